using System.Runtime.CompilerServices;
using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Core.Ledger;

/// <summary>
/// A signed transaction: chain id, sender key, nonce, module and body, signature over all of them.
/// The encoded bytes are kept, so hashing and re-encoding never re-serialize.
/// </summary>
public sealed class Transaction
{
    private Transaction(string chainId, PublicKey sender, ulong nonce, ModuleId module, byte[] body, Signature signature, byte[] encoded)
    {
        ChainId = chainId; Sender = sender; Nonce = nonce; Module = module; Body = body; Signature = signature; Encoded = encoded;
        Hash = Sha256.Hash(encoded);
    }

    public string ChainId { get; }
    public PublicKey Sender { get; }
    public ulong Nonce { get; }
    public ModuleId Module { get; }
    public byte[] Body { get; }
    public Signature Signature { get; }
    /// <summary>The canonical encoding, signature included.</summary>
    public byte[] Encoded { get; }
    public Hash32 Hash { get; }
    /// <summary>
    /// Derived once (admission, execution and indexing each ask for it), on whichever thread asks
    /// first. Boxed so that publishing it is one reference write: a struct field could be read torn.
    /// </summary>
    public Address SenderAddress
    {
        get
        {
            var known = Volatile.Read(ref _senderAddress);
            if (known is null)
            {
                known = new StrongBox<Address>(Address.From(Sender));
                Volatile.Write(ref _senderAddress, known);
            }
            return known.Value;
        }
    }

    private StrongBox<Address>? _senderAddress;

    public static Transaction Create(string chainId, KeyPair sender, ulong nonce, ModuleId module, ReadOnlySpan<byte> body)
    {
        Ledger.ChainId.Check(chainId);
        if (module == ModuleId.None) throw new ArgumentException("module 0 is reserved", nameof(module));
        if (body.Length > Limits.TxBodyBytesMax) throw new ArgumentException($"body exceeds {Limits.TxBodyBytesMax} bytes", nameof(body));
        var bodyCopy = body.ToArray();
        var w = new CanonicalWriter(128 + body.Length);
        WriteSignBytes(w, chainId, sender.PublicKey, nonce, module, bodyCopy);
        var signature = sender.Sign(w.WrittenSpan);
        w.WriteSignature(signature);
        return new Transaction(chainId, sender.PublicKey, nonce, module, bodyCopy, signature, w.WrittenSpan[1..].ToArray());
    }

    private static void WriteSignBytes(CanonicalWriter w, string chainId, PublicKey sender, ulong nonce, ModuleId module, byte[] body)
    {
        w.WriteU8(SignDomain.Transaction);
        w.WriteString(chainId);
        w.WritePublicKey(sender);
        w.WriteU64(nonce);
        w.WriteU8(module.Value);
        w.WriteBytes(body);
    }

    /// <summary>The bytes the sender signs: the domain tag followed by the encoding without its signature.</summary>
    public byte[] SignBytes()
    {
        var w = new CanonicalWriter(Encoded.Length + 1);
        w.WriteU8(SignDomain.Transaction);
        w.WriteRaw(Encoded.AsSpan(0, Encoded.Length - Signature.Size));
        return w.ToArray();
    }

    public bool VerifySignature() => Sender.Verify(SignBytes(), Signature);

    public void Encode(CanonicalWriter w) => w.WriteBytes(Encoded);

    /// <summary>Reads a length-prefixed transaction (as embedded in a block).</summary>
    public static Transaction Decode(ref CanonicalReader r) => Decode(r.ReadBytesSpan(Limits.TxBytesMax, "transaction"));

    /// <summary>Decodes one transaction's canonical bytes; checks shape and chain id form, not the signature.</summary>
    public static Transaction Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length > Limits.TxBytesMax) throw new CodecException($"transaction exceeds {Limits.TxBytesMax} bytes");
        var r = new CanonicalReader(encoded);
        string chainId = r.ReadString(Limits.ChainIdBytesMax, "chain id");
        if (!Ledger.ChainId.IsValid(chainId, out var error)) throw new CodecException(error);
        var sender = r.ReadPublicKey("sender");
        ulong nonce = r.ReadU64("nonce");
        byte module = r.ReadU8("module");
        if (module == ModuleId.None.Value) throw new CodecException("module 0 is reserved: no transaction is addressed to it");
        var body = r.ReadBytes(Limits.TxBodyBytesMax, "body");
        var signature = r.ReadSignature();
        r.End("transaction");
        return new Transaction(chainId, sender, nonce, new ModuleId(module), body, signature, encoded.ToArray());
    }

    public static bool TryDecode(ReadOnlySpan<byte> encoded, out Transaction? tx, out string error)
    {
        try
        {
            tx = Decode(encoded);
            error = "";
            return true;
        }
        catch (CodecException e)
        {
            tx = null;
            error = e.Message;
            return false;
        }
    }
}
