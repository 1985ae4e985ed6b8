using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Polis.City;
using Polis.Client.Config;
using Polis.Core.Crypto;
using Polis.Devnet;
using Polis.Devnet.District;
using Polis.Node;
using Polis.Node.Api;
using Polis.Node.Config;
using Xunit.Abstractions;

namespace Polis.Integration.Tests;

/// <summary>
/// The OpenAPI document is the API's contract: every route the node maps (its own, each module's,
/// its gateway's) is in it with every parameter its handler takes, and a linter nobody on the
/// project wrote (Redocly CLI, from npm) finds nothing wrong with it.
/// </summary>
public sealed class ApiContractTests(ITestOutputHelper output)
{
    private const string RedoclyVersion = "2.77.0";
    private const int BasePort = 22_700;

    [Fact]
    public async Task Every_route_is_in_the_openapi_document_with_its_parameters_and_redocly_finds_no_problem()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"polis-contract-{Guid.NewGuid():N}");
        try
        {
            // One validator whose node runs a gateway: every kind of route is mapped.
            var manifest = DevnetLayout.Create(dir, 1, BasePort, accounts: 1, perNode: (_, home, config) =>
            {
                Directory.CreateDirectory(home.Directory);
                using (var key = KeyPair.Generate()) KeyFile.Save(Path.Combine(home.Directory, "gateway_key.json"), key);
                GatewaySetup.Enable(config, "gw-contract", "gateway_key.json", "");
            });
            var home = new NodeHome(manifest.Nodes[0].Home);
            var logs = NullLoggerFactory.Instance;
            await using var node = PolisNode.Open(home, CityModules.Create(), logs);
            await node.StartAsync();
            await using var gateway = NodeHost.OpenGateway(node, home.Directory, logs);
            Assert.NotNull(gateway);
            await using var app = ApiServer.Build(node, logs, gateway);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(manifest.Nodes[0].Api), Timeout = TimeSpan.FromSeconds(30) };
            string json = await http.GetStringAsync("/openapi/v1.json");
            using var document = JsonDocument.Parse(json);
            var paths = document.RootElement.GetProperty("paths");

            var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
                .Where(e => e.RoutePattern.RawText != "/openapi/{documentName}.json" && e.RoutePattern.RawText != "/openapi/v1.json").ToList();
            Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} endpoints found");
            var missing = new List<string>();
            foreach (var endpoint in endpoints)
            {
                string path = "/" + endpoint.RoutePattern.RawText!.Trim('/');
                foreach (string method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                {
                    if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
                    {
                        missing.Add($"{method} {path}: not in the document");
                        continue;
                    }
                    var declared = operation.TryGetProperty("parameters", out var parameters)
                        ? parameters.EnumerateArray().Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!)).ToHashSet()
                        : [];
                    foreach (var parameter in endpoint.RoutePattern.Parameters)
                        if (!declared.Contains((parameter.Name, "path"))) missing.Add($"{method} {path}: path parameter {parameter.Name} is not declared");
                    // Every other simple parameter of the handler comes from the query: the document must say so.
                    foreach (var parameter in endpoint.Metadata.GetMetadata<MethodInfo>()?.GetParameters() ?? [])
                    {
                        if (parameter.Name is null || endpoint.RoutePattern.GetParameter(parameter.Name) is not null || !IsSimple(parameter.ParameterType)) continue;
                        if (!declared.Contains((parameter.Name, "query"))) missing.Add($"{method} {path}: query parameter {parameter.Name} is not declared");
                    }
                    foreach (var required in new[] { "summary", "description", "operationId", "tags" })
                        if (!operation.TryGetProperty(required, out _)) missing.Add($"{method} {path}: no {required}");
                }
            }
            Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));

            // What the transformers add: bodies and answers of raw bytes beside JSON, one error schema.
            var submit = paths.GetProperty("/v1/txs").GetProperty("post").GetProperty("requestBody").GetProperty("content");
            Assert.True(submit.TryGetProperty("application/json", out var jsonBody) && jsonBody.GetProperty("schema").ValueKind == JsonValueKind.Object);
            Assert.Equal("binary", submit.GetProperty("application/octet-stream").GetProperty("schema").GetProperty("format").GetString());
            var block = paths.GetProperty("/v1/blocks/{height}").GetProperty("get");
            var blockOk = block.GetProperty("responses").GetProperty("200").GetProperty("content");
            Assert.True(blockOk.TryGetProperty("application/json", out _) && blockOk.TryGetProperty("application/octet-stream", out _));
            Assert.Equal("integer", block.GetProperty("parameters")[0].GetProperty("schema").GetProperty("type").GetString());
            Assert.Equal("#/components/schemas/ApiError",
                block.GetProperty("responses").GetProperty("404").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
            Assert.All(document.RootElement.GetProperty("servers").EnumerateArray(), server => Assert.False(server.GetProperty("url").GetString()!.EndsWith('/')));

            string file = Path.Combine(dir, "openapi.json");
            await File.WriteAllTextAsync(file, json);
            var (code, lint) = Lint(file);
            output.WriteLine(lint);
            Assert.True(code == 0, $"Redocly CLI {RedoclyVersion} found errors:{Environment.NewLine}{lint}");
            // Zero warnings too (Redocly's own notice about Node.js versions aside).
            Assert.DoesNotMatch(@"\d+:\d+\s+warning", lint);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t == typeof(string) || t == typeof(decimal);
    }

    /// <summary>Redocly CLI from npm, installed once into a cache directory beside the test run's temp files.</summary>
    private static (int Code, string Output) Lint(string file)
    {
        string prefix = Path.Combine(Path.GetTempPath(), $"polis-redocly-{RedoclyVersion}");
        string cli = Path.Combine(prefix, "node_modules", ".bin", "redocly");
        if (!File.Exists(cli))
        {
            Assert.True(DebianPackages.EnsureInstalled("/usr/bin/npm", "nodejs", "npm"), "npm is not installed and could not be (apt-get install nodejs npm)");
            var (installed, installOutput) = Run("/usr/bin/npm", ["install", "--prefix", prefix, $"@redocly/cli@{RedoclyVersion}", "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5));
            Assert.True(installed == 0, $"npm could not install @redocly/cli@{RedoclyVersion} (Node.js and npm are needed: .ci/run installs them):{Environment.NewLine}{installOutput}");
        }
        return Run(cli, ["lint", file, "--format=stylish"], TimeSpan.FromMinutes(2));
    }

    private static (int Code, string Output) Run(string program, string[] args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{program} is not installed ({e.Message}): Node.js and npm are needed; .ci/run installs them");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"{program} did not finish within {timeout}");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
