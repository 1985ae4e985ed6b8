using System.Threading.Channels;
using Polis.Core.Ledger;
using Polis.Execution;

namespace Polis.Node;

/// <summary>A committed block with its results, as pushed to stream subscribers.</summary>
public sealed record CommittedBlock(Block Block, IReadOnlyList<TxResult> Results);

/// <summary>
/// Fans committed blocks out to stream subscribers (the HTTP event stream). Each subscriber has a
/// bounded queue; a subscriber too slow to keep up loses the oldest blocks rather than slowing the node.
/// </summary>
public sealed class BlockFeed
{
    private const int QueueMax = 256;
    private readonly Lock _gate = new();
    private readonly List<Channel<CommittedBlock>> _subscribers = new();

    public ChannelReader<CommittedBlock> Subscribe(out Action unsubscribe)
    {
        var channel = Channel.CreateBounded<CommittedBlock>(new BoundedChannelOptions(QueueMax)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate) _subscribers.Add(channel);
        unsubscribe = () =>
        {
            lock (_gate) _subscribers.Remove(channel);
            channel.Writer.TryComplete();
        };
        return channel.Reader;
    }

    public void Publish(CommittedBlock block)
    {
        lock (_gate)
            foreach (var s in _subscribers) s.Writer.TryWrite(block);
    }
}
