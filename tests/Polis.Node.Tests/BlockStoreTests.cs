using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Modules.Accounts;
using Polis.Node.Storage;
using Polis.State;
using Polis.State.Storage;
using Polis.Testing;
using Polis.City;

namespace Polis.Node.Tests;

public sealed class BlockStoreTests
{
    private const string ChainId = "polis-test";
    private static readonly KeyPair[] Validators = Enumerable.Range(0, 4).Select(i => KeyPair.FromLabel($"store-v{i}")).ToArray();
    private static readonly KeyPair Alice = KeyPair.FromLabel("store-alice");

    private static Genesis MakeGenesis() => TestGenesis.Create(ChainId, 1_000, new ValidatorSet(Validators.Select(v => new Validator(v.PublicKey, 1)).ToArray()),
        [(Alice.Address, 1_000UL)]);

    private static Commit CommitFor(Block block)
    {
        var set = MakeGenesis().Validators;
        return new Commit(block.Height, 0, block.Id, Enumerable.Range(0, 3).Select(i =>
        {
            var key = Validators.First(v => v.Address == set[i].Address);
            return new CommitSignature((ushort)i, Vote.Create(ChainId, key, VoteType.Precommit, block.Height, 0, block.Id).Signature);
        }).ToArray());
    }

    [Fact]
    public void A_height_lands_with_its_state_version_and_is_found_after_a_reopen()
    {
        using var dir = new TempDirectory();
        Hash32 txHash, blockId;
        using (var storage = new RocksDbStateStorage(dir.Path))
        {
            var store = new BlockStore(storage);
            var chain = new Chain(MakeGenesis(), new TreeState(new StateTree(storage)), new CachingSignatureVerifier(), CityModules.Set());
            var tx = Transaction.Create(ChainId, Alice, 0, AccountsKeys.Module, new TransferBody(Validators[0].Address, 10).ToBytes());
            var block = chain.Build(2_000, Validators[0].Address, [tx], []);
            Assert.Equal(0UL, store.LatestHeight);
            chain.Commit(block, CommitFor(block), outcome =>
            {
                store.Stage(block, CommitFor(block), outcome);
                Assert.Null(store.GetBlock(1)); // staged, not yet written
            });
            txHash = tx.Hash;
            blockId = block.Id;
        }
        using (var storage = new RocksDbStateStorage(dir.Path))
        {
            var store = new BlockStore(storage);
            Assert.Equal(1UL, store.LatestHeight);
            Assert.Equal(1UL, storage.LatestVersion);
            Assert.Equal(blockId, store.GetBlock(1)!.Id);
            Assert.Equal(blockId, store.GetCommit(1)!.BlockId);
            Assert.Equal(1UL, store.HeightOf(blockId));
            var location = store.FindTransaction(txHash)!;
            Assert.Equal((1UL, 0, ExecutionResults.Ok), (location.Height, location.Position, location.Code));
            Assert.Null(store.FindTransaction(Sha256.Hash([9])));
        }
    }
}
