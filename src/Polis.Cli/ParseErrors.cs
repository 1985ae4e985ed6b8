using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Polis.Cli;

/// <summary>
/// A command line that does not parse gets one line in the project's words and exit code 2, not
/// the parser's type names followed by the whole help (<c>--amount -5</c> said "System.UInt64").
/// </summary>
internal static partial class ParseErrors
{
    /// <summary>The line for the first error, with where to read more.</summary>
    public static string Describe(ParseResult parsed)
    {
        string commands = string.Join(' ', parsed.Tokens.Where(t => t.Type == TokenType.Command).Select(t => t.Value));
        string help = commands.Length == 0 ? "polis --help" : $"polis {commands} --help";
        // A value that does not parse, or a word that is no command, says more than the "required" errors that follow from it.
        var first = parsed.Errors.OrderBy(e => CannotParse().IsMatch(e.Message) ? 0 : e.Message.StartsWith("Unrecognized", StringComparison.Ordinal) ? 1 : 2).First();
        return $"{Describe(first.Message)} (see {help})";
    }

    /// <summary>The parser's message, with .NET type names said as what a person would type.</summary>
    public static string Describe(string message)
    {
        var match = CannotParse().Match(message);
        if (!match.Success) return message.TrimEnd('.');
        string value = match.Groups["value"].Value, option = match.Groups["option"].Value;
        return $"{option} takes {Expected(match.Groups["type"].Value)}, not '{value}'";
    }

    private static string Expected(string type) => type switch
    {
        "System.Byte" or "System.UInt16" or "System.UInt32" or "System.UInt64" => "a whole number of 0 or more",
        "System.SByte" or "System.Int16" or "System.Int32" or "System.Int64" => "a whole number",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a duration such as 00:05:00",
        _ when type.StartsWith("System.Nullable`1[", StringComparison.Ordinal) => Expected(type["System.Nullable`1[".Length..^1]),
        _ => $"a {type[(type.LastIndexOf('.') + 1)..]}",
    };

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (option|argument) '(?<option>[^']+)' as expected type '(?<type>[^']+)'")]
    private static partial Regex CannotParse();
}
