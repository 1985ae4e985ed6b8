using System.Text.RegularExpressions;

namespace Polis.Modules.Http;

/// <summary>
/// The framework's refusals of a request it could not bind, in the project's words:
/// <c>?proof=maybe</c> said "Failed to bind parameter "Nullable&lt;bool&gt; proof" from "maybe"".
/// </summary>
public static partial class BindingErrors
{
    public static string Describe(string message)
    {
        var failed = FailedToBind().Match(message);
        if (failed.Success)
            return $"parameter {failed.Groups["name"].Value} takes {Expected(failed.Groups["type"].Value)}, not '{failed.Groups["value"].Value}'";
        var missing = Missing().Match(message);
        if (missing.Success) return $"parameter {missing.Groups["name"].Value} is required";
        var body = UnreadableBody().Match(message);
        if (body.Success) return "the request body is not the JSON this endpoint takes";
        return message;
    }

    private static string Expected(string type)
    {
        string bare = type.TrimEnd('?');
        if (bare.StartsWith("Nullable<", StringComparison.Ordinal)) bare = bare["Nullable<".Length..^1];
        return bare switch
        {
            "bool" or "Boolean" => "true or false",
            "byte" or "ushort" or "uint" or "ulong" or "Byte" or "UInt16" or "UInt32" or "UInt64" => "a whole number of 0 or more",
            "short" or "int" or "long" or "Int16" or "Int32" or "Int64" => "a whole number",
            "float" or "double" or "decimal" or "Single" or "Double" or "Decimal" => "a number",
            _ => $"a {bare}",
        };
    }

    [GeneratedRegex("^Failed to bind parameter \"(?<type>.+) (?<name>[^ \"]+)\" from \"(?<value>.*)\"\\.?$")]
    private static partial Regex FailedToBind();

    [GeneratedRegex("^Required parameter \"(?<type>.+) (?<name>[^ \"]+)\" was not provided")]
    private static partial Regex Missing();

    [GeneratedRegex("^Failed to read parameter \".+\" from the request body as JSON")]
    private static partial Regex UnreadableBody();
}
