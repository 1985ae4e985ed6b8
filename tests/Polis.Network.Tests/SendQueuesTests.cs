using Polis.Network.Sending;

namespace Polis.Network.Tests;

public class SendQueuesTests
{
    [Fact]
    public void Drains_consensus_then_sync_then_transactions_fifo_within_each()
    {
        var queues = new SendQueues(10);
        Assert.True(queues.TryEnqueue(Channel.Transactions, new byte[] { 1 }));
        Assert.True(queues.TryEnqueue(Channel.Sync, new byte[] { 2 }));
        Assert.True(queues.TryEnqueue(Channel.Consensus, new byte[] { 3 }));
        Assert.True(queues.TryEnqueue(Channel.Consensus, new byte[] { 4 }));

        var order = new List<(Channel, byte)>();
        while (queues.TryDequeue(out var channel, out var payload)) order.Add((channel, payload.Span[0]));
        Assert.Equal([(Channel.Consensus, 3), (Channel.Consensus, 4), (Channel.Sync, 2), (Channel.Transactions, 1)], order);
    }

    [Fact]
    public void Each_channel_is_bounded_on_its_own()
    {
        var queues = new SendQueues(2);
        Assert.True(queues.TryEnqueue(Channel.Transactions, new byte[1]));
        Assert.True(queues.TryEnqueue(Channel.Transactions, new byte[1]));
        Assert.False(queues.TryEnqueue(Channel.Transactions, new byte[1]));
        Assert.True(queues.TryEnqueue(Channel.Consensus, new byte[1]));
        Assert.Equal(2, queues.Count(Channel.Transactions));
        Assert.True(queues.TryDequeue(out _, out _));
        Assert.True(queues.TryDequeue(out _, out _));
        Assert.True(queues.TryEnqueue(Channel.Transactions, new byte[1]));
    }

    [Fact]
    public async Task Waiting_consumer_wakes_on_enqueue()
    {
        var queues = new SendQueues(4);
        var wait = queues.WaitAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);
        queues.TryEnqueue(Channel.Sync, new byte[1]);
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Concurrent_producers_never_lose_a_wake_up()
    {
        var queues = new SendQueues(1_000_000);
        const int producers = 4, each = 20_000;
        var produce = Enumerable.Range(0, producers).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < each; i++) Assert.True(queues.TryEnqueue(Channel.Transactions, new byte[1]));
        })).ToArray();
        int received = 0;
        var consume = Task.Run(async () =>
        {
            while (received < producers * each)
            {
                while (queues.TryDequeue(out _, out _)) received++;
                if (received < producers * each) await queues.WaitAsync(CancellationToken.None);
            }
        });
        await Task.WhenAll(produce).WaitAsync(TimeSpan.FromSeconds(20));
        await consume.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(producers * each, received);
    }

    /// <summary>A peer that never reads pins at most the byte bound per channel; a frame larger than the bound still goes when its queue is empty.</summary>
    [Fact]
    public void Queues_are_bounded_in_bytes_per_channel()
    {
        var queues = new SendQueues(1_000, bytesPerChannel: 1_000);
        var frame = new byte[300];
        for (int i = 0; i < 3; i++) Assert.True(queues.TryEnqueue(Channel.Sync, frame));
        Assert.False(queues.TryEnqueue(Channel.Sync, frame));
        Assert.Equal(900, queues.Bytes(Channel.Sync));
        // Another channel has its own budget.
        Assert.True(queues.TryEnqueue(Channel.Consensus, frame));
        Assert.True(queues.TryDequeue(out _, out _));
        Assert.True(queues.TryDequeue(out _, out _));
        Assert.Equal(600, queues.Bytes(Channel.Sync));
        var empty = new SendQueues(1_000, bytesPerChannel: 1_000);
        Assert.True(empty.TryEnqueue(Channel.Sync, new byte[5_000]));
        Assert.False(empty.TryEnqueue(Channel.Sync, new byte[1]));
    }
}
