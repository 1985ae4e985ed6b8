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
    /// <summary>Blocks a slow subscriber may lag behind by before it loses the oldest.</summary>
    private const int QueueMax = 32;
    /// <summary>Concurrent subscribers; each holds up to <see cref="QueueMax"/> blocks.</summary>
    public const int SubscribersMax = 64;
    private readonly Lock _gate = new();
    private readonly List<Channel<CommittedBlock>> _subscribers = new();

    /// <summary>A subscription, or null when <see cref="SubscribersMax"/> are already listening.</summary>
    public ChannelReader<CommittedBlock>? Subscribe(out Action unsubscribe)
    {
        unsubscribe = () => { };
        var channel = Channel.CreateBounded<CommittedBlock>(new BoundedChannelOptions(QueueMax)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            if (_subscribers.Count >= SubscribersMax) return null;
            _subscribers.Add(channel);
        }
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
