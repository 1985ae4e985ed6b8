using System.CommandLine;
using Polis.Modules.Devices;
using Polis.Cli.Verify;
using Polis.Client.Light;
using Polis.Client.Config;
using Polis.Node.Config;
using Polis.Modules.Cli;

namespace Polis.Cli.Commands;

/// <summary>
/// `polis verify reading FILE|URL --genesis FILE`: checks a reading proof offline against the
/// genesis's chain id and validators, trusting nothing else (not even the server a URL names).
/// Exit 0: verified; 1: rejected, or the URL could not be fetched; 2: usage (missing file, bad genesis).
/// </summary>
public static class VerifyCommand
{
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var source = new Argument<string>("proof") { Description = "the binary proof: a file, or an http(s) URL to fetch it from" };
        var genesis = new Option<string>("--genesis") { Description = "the genesis file whose validators are trusted", Required = true };
        var reading = new Command("reading", "Verify a reading proof and print what it proves.") { source, genesis };
        reading.SetAction((parse, cancel) => VerifyReading(parse.GetValue(source)!, parse.GetValue(genesis)!, cancel));
        return new Command("verify", "Verify proofs offline, trusting only the genesis's validators.") { reading };
    }

    private static async Task<int> VerifyReading(string source, string genesisPath, CancellationToken cancel)
    {
        LightClient client;
        try
        {
            client = new LightClient(GenesisFile.Load(genesisPath));
        }
        catch (Exception e) when (e is FormatException or IOException)
        {
            return CliOutput.Fail(e.Message, CliOutput.UsageError);
        }
        byte[] proof;
        try
        {
            proof = ProofSource.IsUrl(source)
                ? await ProofSource.FetchAsync(source, ReadingProof.EncodedBytesMax, FetchTimeout, cancel)
                : await ProofSource.ReadFileAsync(source, ReadingProof.EncodedBytesMax, cancel);
        }
        catch (FileNotFoundException e)
        {
            return CliOutput.Fail(e.Message, CliOutput.UsageError);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CliOutput.Fail(e.Message);
        }
        var result = client.VerifyReading(proof);
        if (!result.IsValid)
        {
            Console.WriteLine($"proof rejected: {result.Reason}");
            return CliOutput.Failure;
        }
        foreach (string line in ReadingReport.Lines(result.Facts!, client.ChainId)) Console.WriteLine(line);
        return 0;
    }
}
