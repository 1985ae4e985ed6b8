using System.Text;

namespace Polis.Core.Crypto;

/// <summary>
/// Bech32 text encoding (BIP 173): a human-readable prefix, '1', base-32 data and a 6-character
/// BCH checksum that detects any error in up to four characters. A checksum, not cryptography.
/// </summary>
public static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private const int TextLengthMax = 90;
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    public static string Encode(string prefix, ReadOnlySpan<byte> data)
    {
        var values = ConvertBits(data, 8, 5, pad: true) ?? throw new InvalidOperationException("8-to-5 bit conversion cannot fail");
        var checksum = CreateChecksum(prefix, values);
        var text = new StringBuilder(prefix.Length + 1 + values.Length + 6);
        text.Append(prefix).Append('1');
        foreach (var v in values) text.Append(Charset[v]);
        foreach (var v in checksum) text.Append(Charset[v]);
        return text.ToString();
    }

    public static bool TryDecode(string? text, out string prefix, out byte[] data, out string error)
    {
        prefix = ""; data = [];
        if (string.IsNullOrEmpty(text)) { error = "empty address"; return false; }
        if (text.Length > TextLengthMax) { error = $"longer than {TextLengthMax} characters"; return false; }
        bool hasLower = false, hasUpper = false;
        foreach (char ch in text)
        {
            if (ch < 33 || ch > 126) { error = "contains a character outside printable ASCII"; return false; }
            hasLower |= char.IsAsciiLetterLower(ch);
            hasUpper |= char.IsAsciiLetterUpper(ch);
        }
        if (hasLower && hasUpper) { error = "mixes upper and lower case"; return false; }
        text = text.ToLowerInvariant();
        int separator = text.LastIndexOf('1');
        if (separator < 1 || separator + 7 > text.Length) { error = "missing the '1' separator or the checksum"; return false; }
        var values = new byte[text.Length - separator - 1];
        for (int i = 0; i < values.Length; i++)
        {
            int v = Charset.IndexOf(text[separator + 1 + i]);
            if (v < 0) { error = $"'{text[separator + 1 + i]}' is not a Bech32 character"; return false; }
            values[i] = (byte)v;
        }
        prefix = text[..separator];
        if (Polymod(ExpandPrefix(prefix), values) != 1) { error = "checksum mismatch: the address is mistyped"; return false; }
        var decoded = ConvertBits(values.AsSpan(0, values.Length - 6), 5, 8, pad: false);
        if (decoded is null) { error = "invalid padding"; return false; }
        data = decoded;
        error = "";
        return true;
    }

    private static byte[] CreateChecksum(string prefix, byte[] values)
    {
        var withZeros = new byte[values.Length + 6];
        values.CopyTo(withZeros, 0);
        uint mod = Polymod(ExpandPrefix(prefix), withZeros) ^ 1;
        var checksum = new byte[6];
        for (int i = 0; i < 6; i++) checksum[i] = (byte)((mod >> (5 * (5 - i))) & 31);
        return checksum;
    }

    private static byte[] ExpandPrefix(string prefix)
    {
        var result = new byte[prefix.Length * 2 + 1];
        for (int i = 0; i < prefix.Length; i++)
        {
            result[i] = (byte)(prefix[i] >> 5);
            result[i + prefix.Length + 1] = (byte)(prefix[i] & 31);
        }
        return result;
    }

    private static uint Polymod(byte[] prefix, ReadOnlySpan<byte> values)
    {
        uint chk = 1;
        void Step(byte v)
        {
            uint top = chk >> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (int i = 0; i < 5; i++) if (((top >> i) & 1) != 0) chk ^= Generator[i];
        }
        foreach (var v in prefix) Step(v);
        foreach (var v in values) Step(v);
        return chk;
    }

    private static byte[]? ConvertBits(ReadOnlySpan<byte> data, int fromBits, int toBits, bool pad)
    {
        int acc = 0, bits = 0, maxv = (1 << toBits) - 1;
        var result = new List<byte>(data.Length * fromBits / toBits + 1);
        foreach (var value in data)
        {
            if (value >> fromBits != 0) return null;
            acc = (acc << fromBits) | value;
            bits += fromBits;
            while (bits >= toBits)
            {
                bits -= toBits;
                result.Add((byte)((acc >> bits) & maxv));
            }
        }
        if (pad) { if (bits > 0) result.Add((byte)((acc << (toBits - bits)) & maxv)); }
        else if (bits >= fromBits || ((acc << (toBits - bits)) & maxv) != 0) return null;
        return result.ToArray();
    }
}
