using Spectre.Console;

namespace Polis.Modules.Cli;

/// <summary>How every command reports a failure: one line on stderr and a non-zero exit code.</summary>
public static class CliOutput
{
    public const int UsageError = 2;
    public const int Failure = 1;

    public static int Fail(string message, int code = Failure)
    {
        Console.Error.WriteLine($"error: {message}");
        return code;
    }

    public static void Info(string markup) => AnsiConsole.MarkupLine(markup);
}
