using System.CommandLine;
using Polis.Core.Crypto;
using Polis.Client.Config;
using Polis.Node.Config;
using Polis.Modules.Cli;

namespace Polis.Cli.Commands;

/// <summary>`polis keys new|show`: Ed25519 key files (account, node or validator keys).</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "where to write the key file", Required = true };
        var force = new Option<bool>("--force") { Description = "overwrite an existing file" };
        var create = new Command("new", "Create a new key file (seed from the OS's secure random source).") { output, force };
        create.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            if (File.Exists(path) && !parse.GetValue(force)) return CliOutput.Fail($"{path} exists (use --force to overwrite)");
            using var key = KeyPair.Generate();
            KeyFile.Save(path, key);
            Console.WriteLine($"address    {key.Address}");
            Console.WriteLine($"public key {key.PublicKey}");
            Console.WriteLine($"written to {path}");
            return 0;
        });
        var file = new Argument<string>("file") { Description = "a key file" };
        var show = new Command("show", "Show a key file's address and public key (never the secret).") { file };
        show.SetAction(parse =>
        {
            try
            {
                using var key = KeyFile.Load(parse.GetValue(file)!);
                Console.WriteLine($"address    {key.Address}");
                Console.WriteLine($"public key {key.PublicKey}");
                return 0;
            }
            catch (Exception e) when (e is FormatException or IOException)
            {
                return CliOutput.Fail(e.Message);
            }
        });
        return new Command("keys", "Manage Ed25519 key files.") { create, show };
    }
}
