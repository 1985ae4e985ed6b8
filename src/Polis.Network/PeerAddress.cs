using System.Globalization;
using Polis.Core.Crypto;

namespace Polis.Network;

/// <summary>
/// Where to dial a peer and, optionally, which node key must answer there. Text form:
/// <c>host:port</c> or <c>&lt;64 hex public key&gt;@host:port</c>; IPv6 hosts in brackets.
/// </summary>
public sealed record PeerAddress(string Host, int Port, PublicKey? ExpectedKey)
{
    public static PeerAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string rest = text.Trim();
        PublicKey? key = null;

        int at = rest.IndexOf('@');
        if (at >= 0)
        {
            string hex = rest[..at];
            if (hex.Length != PublicKey.Size * 2 || !IsHex(hex))
                throw new FormatException($"peer address '{text}': the part before '@' must be a node public key of {PublicKey.Size * 2} hex characters");
            key = PublicKey.FromBytes(Convert.FromHexString(hex));
            rest = rest[(at + 1)..];
        }

        string host;
        string portText;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']');
            if (close < 0 || close + 1 >= rest.Length || rest[close + 1] != ':')
                throw new FormatException($"peer address '{text}': an IPv6 host is written [address]:port");
            host = rest[1..close];
            portText = rest[(close + 2)..];
        }
        else
        {
            int colon = rest.LastIndexOf(':');
            if (colon < 0) throw new FormatException($"peer address '{text}': expected host:port or <pubkey>@host:port");
            host = rest[..colon];
            portText = rest[(colon + 1)..];
            if (host.Contains(':')) throw new FormatException($"peer address '{text}': write an IPv6 host in brackets, [address]:port");
        }

        if (host.Length == 0) throw new FormatException($"peer address '{text}': the host is empty");
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new FormatException($"peer address '{text}': the port must be a number from 1 to 65535");
        return new PeerAddress(host, port, key);
    }

    public override string ToString()
    {
        string host = Host.Contains(':') ? $"[{Host}]" : Host;
        string endpoint = string.Create(CultureInfo.InvariantCulture, $"{host}:{Port}");
        return ExpectedKey is null ? endpoint : $"{ExpectedKey}@{endpoint}";
    }

    private static bool IsHex(string s)
    {
        foreach (char c in s)
            if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }
}
