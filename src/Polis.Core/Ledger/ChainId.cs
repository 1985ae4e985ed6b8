namespace Polis.Core.Ledger;

/// <summary>Rules for chain ids: 1–50 characters of lowercase ASCII letters, digits, '-' and '.'.</summary>
public static class ChainId
{
    public static bool IsValid(string? chainId, out string error)
    {
        error = "";
        if (string.IsNullOrEmpty(chainId)) { error = "chain id is empty"; return false; }
        if (chainId.Length > Limits.ChainIdBytesMax) { error = $"chain id longer than {Limits.ChainIdBytesMax} characters"; return false; }
        foreach (char c in chainId)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || c == '.'))
            {
                error = $"chain id character '{c}' is not one of a-z 0-9 - .";
                return false;
            }
        }
        return true;
    }

    public static void Check(string chainId)
    {
        if (!IsValid(chainId, out var error)) throw new ArgumentException(error, nameof(chainId));
    }
}
