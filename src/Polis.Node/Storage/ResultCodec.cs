using System.Text;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Execution;

namespace Polis.Node.Storage;

/// <summary>
/// How a result code and its message are stored: module, number, then (unless it is ok) the name,
/// and the message cut to <see cref="MessageBytesMax"/>. Nearly every result is ok: three bytes.
/// </summary>
internal static class ResultCodec
{
    public const int MessageBytesMax = 1024;

    public static void Write(CanonicalWriter w, ResultCode code, string message)
    {
        w.WriteU8(code.Space.Value);
        w.WriteU16(code.Value);
        if (code.IsOk) return;
        w.WriteString(code.Name);
        w.WriteString(Cut(message));
    }

    public static (ResultCode Code, string Message) Read(ref CanonicalReader r)
    {
        var space = new ModuleId(r.ReadU8("result module"));
        ushort value = r.ReadU16("result code");
        if (space == ModuleId.None && value == 0) return (ExecutionResults.Ok, "");
        string name = r.ReadString(ResultCode.NameBytesMax, "result name");
        string message = r.ReadString(MessageBytesMax, "result message");
        if (name.Length == 0) throw new CodecException("result name is empty");
        return (new ResultCode(space, value, name), message);
    }

    /// <summary>At most <see cref="MessageBytesMax"/> bytes of UTF-8, cut on a character boundary.</summary>
    private static string Cut(string message)
    {
        if (Encoding.UTF8.GetByteCount(message) <= MessageBytesMax) return message;
        int chars = Math.Min(message.Length, MessageBytesMax / 4);
        if (chars > 0 && char.IsHighSurrogate(message[chars - 1])) chars--;
        return message[..chars];
    }
}
