using System.Net;
using Polis.Client.Config;
using Polis.Node.Config;
using Polis.Testing;

namespace Polis.Cli.Tests;

public sealed class VerifyCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly string _dir = Directory.CreateTempSubdirectory("polis-verify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A proof of meter-2's reading (sequence 2 at 2023-11-14T22:13:20.250Z, values 1234 and -5 Wh) and the genesis file to check it with.</summary>
    private (string Proof, string Genesis, byte[] Bytes) WriteProofAndGenesis()
    {
        var city = TestCity.WithDevices("meter-1", "meter-2");
        var batch = new TestBatch(city.Reading("meter-1", 1, 1_700_000_000_100), city.Reading("meter-2", 2, 1_700_000_000_250, null, 1234, -5));
        var anchored = city.Anchor(batch, 0, fillers: 2);
        var bytes = city.Prove(anchored, 1).ToBytes();
        string proof = Path.Combine(_dir, "reading.proof");
        File.WriteAllBytes(proof, bytes);
        var file = new GenesisFile { ChainId = city.ChainId, GenesisTimeMs = city.Genesis.TimeMs };
        foreach (var v in city.Genesis.Validators.Validators)
            file.Validators.Add(new GenesisFile.GenesisValidator { Name = v.Address.ToString()[..12], PublicKey = v.PublicKey.ToString(), Power = v.Power });
        string genesis = Path.Combine(_dir, "genesis.json");
        file.Save(genesis);
        return (proof, genesis, bytes);
    }

    [Fact]
    public void A_valid_proof_prints_the_verified_facts()
    {
        var (proof, genesis, _) = WriteProofAndGenesis();
        var (code, output, error) = PolisProcess.Run(Timeout, "verify", "reading", proof, "--genesis", genesis);
        Assert.True(code == 0, output + error);
        Assert.Contains("reading verified on chain polis-light-test", output);
        Assert.Contains("meter-2", output);
        Assert.Contains("2023-11-14T22:13:20.250Z", output);
        Assert.Contains("1234, -5 Wh", output);
        Assert.Contains("gw-north, batch 0 (reading 2 of 2)", output);
    }

    [Fact]
    public void A_tampered_proof_is_rejected_with_its_reason()
    {
        var (proof, genesis, bytes) = WriteProofAndGenesis();
        bytes[^2] ^= 1; // the device record's state proof (the last byte says there is no rotated key)
        File.WriteAllBytes(proof, bytes);
        var (code, output, _) = PolisProcess.Run(Timeout, "verify", "reading", proof, "--genesis", genesis);
        Assert.Equal(1, code);
        Assert.StartsWith("proof rejected: ", output);
        Assert.Contains("device", output);
    }

    [Fact]
    public void A_missing_proof_or_a_bad_genesis_is_a_usage_error()
    {
        var (proof, genesis, _) = WriteProofAndGenesis();
        var missing = PolisProcess.Run(Timeout, "verify", "reading", Path.Combine(_dir, "nothing.proof"), "--genesis", genesis);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error);
        string badGenesis = Path.Combine(_dir, "bad.json");
        File.WriteAllText(badGenesis, "{ not json");
        var bad = PolisProcess.Run(Timeout, "verify", "reading", proof, "--genesis", badGenesis);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("genesis", bad.Error);
    }

    [Fact]
    public async Task A_proof_is_fetched_from_a_url_and_a_failed_fetch_is_an_error()
    {
        var (_, genesis, bytes) = WriteProofAndGenesis();
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            for (int i = 0; i < 2; i++)
            {
                var context = await listener.GetContextAsync();
                if (context.Request.Url!.AbsolutePath == "/proof")
                    await context.Response.OutputStream.WriteAsync(bytes);
                else
                    context.Response.StatusCode = 404;
                context.Response.Close();
            }
        });
        var fetched = PolisProcess.Run(Timeout, "verify", "reading", $"http://127.0.0.1:{port}/proof", "--genesis", genesis);
        Assert.True(fetched.ExitCode == 0, fetched.Output + fetched.Error);
        Assert.Contains("meter-2", fetched.Output);
        var notFound = PolisProcess.Run(Timeout, "verify", "reading", $"http://127.0.0.1:{port}/missing", "--genesis", genesis);
        Assert.Equal(1, notFound.ExitCode);
        Assert.Contains("404", notFound.Error);
        await serving.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
