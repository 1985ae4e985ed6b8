using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Core.Merkle;

namespace Polis.Core.Tests;

/// <summary>
/// The exact bytes and hashes of every encoded type, built from fixed inputs. These constants were
/// produced by the code once and checked in: a failure here means the wire format or a hash changed,
/// which breaks signatures, block ids and every stored chain. Change them only on purpose.
/// </summary>
public class GoldenVectorTests
{
    private static readonly Hash32 BlockId = Build.HashOf("block-2");

    private const string TxHex = """
        000c706f6c69732d746573742d31fc13bf985022a0ad9f4c9a7a3d7e4b908cd830ff94b8eeb7d7f220b7154c916b0000
        00000000000701000000157472616e7366657220323520746f20626f62202337a28087a4518342a93e2ea3267cf191df
        4e47a81cd3aa5387358e92d5a37d360ca7463a530acd46432905ac307f6c51e154b985a2a93d0e47fb9cfec22bd52102
        """;
    private const string TxHash = "39142f341fb4d30dd43b4a7603c939063acd5a1eb7127d4b13f30d54ee37c27d";
    private const string PrevoteHex = """
        010000000000000002000000002453695514ac2ba4f06e40a20e20cbc76b7a6c6d9a438c4a30e2acea3be39f571d8ca4
        776fd99712b07f581ac42f35b0604968386dbb6e0d5beeb6b3e39ea478324aeba22a1747d5e648e0865de2f5d2ecd70c
        c986771aba88bede8253a5a5de442f2f0d5e832e802fa10c6109e71fde2aba400b
        """;
    private const string PrecommitHex = """
        020000000000000002000000012453695514ac2ba4f06e40a20e20cbc76b7a6c6d9a438c4a30e2acea3be39f579ce17f
        375ef8a9009e1eccb05e9221ebe125c97ebd7eec1fb32044193918668f5af898c12be86e5f1f8eb65c1fb2f1c131f55f
        ae433c75177c05903b478f020cacbddefb85668b710aa14eff08fa7950b4835007
        """;
    private const string NilPrevoteHex = """
        0100000000000000020000000000000000000000000000000000000000000000000000000000000000000000003974a7
        66ca25e567c8cf7bf0b80037a2e25124130d6bdd754de8228d0bb9abe575029f1bc31b411aec18b2cd7e4358223761d3
        96c98be2172bacd11bb3210cd29075d054fe23835fd2ec2d29e5a0ececdbc2cd05
        """;
    private const string ProposalFreshHex = """
        000000000000000200000000ffffffff2453695514ac2ba4f06e40a20e20cbc76b7a6c6d9a438c4a30e2acea3be39f57
        9ce17f375ef8a9009e1eccb05e9221ebe125c97e2033a19741be9275f8fd46bcbfdd1ec136e821f3952a536a15c52d4f
        12a1d72d9422fdc4d988813d7f280a8ba208df3299704a1c0f79f8817d25c41c84fe620a
        """;
    private const string ProposalValidRoundHex = """
        000000000000000200000003000000012453695514ac2ba4f06e40a20e20cbc76b7a6c6d9a438c4a30e2acea3be39f57
        9ce17f375ef8a9009e1eccb05e9221ebe125c97e1112ca28002b71c4cbda1c20f46eebea6cd969e59a0cea19e38a03ad
        0af37aefce03b34afff041138a902100d150ddf9efc361df688e5bb606977f650783590c
        """;
    private const string CommitHex = """
        0000000000000002000000012453695514ac2ba4f06e40a20e20cbc76b7a6c6d9a438c4a30e2acea3be39f5700000003
        0000efe5840eb3b3e7939cf6f3e126c26ac5490bd21612bdb59402849442b292f3da2525d33bcc8e2535bde048e1ca4c
        f35970e3d625d7dca9d016eb5996fa0794030001bd7eec1fb32044193918668f5af898c12be86e5f1f8eb65c1fb2f1c1
        31f55fae433c75177c05903b478f020cacbddefb85668b710aa14eff08fa7950b48350070003e350c5347fb85d75c3a5
        80c52c05a8cff22444f2f277b2c74642a295ffc39b4e69ba0cc4f5fac5b578d379181bc15391acf50534f4f23acdb51d
        c36f92ec6e0d
        """;
    private const string CommitHash = "51b401fd593d2eade9e8cbedb07984a3a230c79e5f896c6858b37641d2e575ec";
    private const string Header1Hex = """
        000c706f6c69732d746573742d3100000000000000010000018bcfe56800000000000000000000000000000000000000
        0000000000000000000000000000e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855f36b
        45ae818809ee24ae2489edabfe3cf2a12627b6929c07fc7a3b885d414d444c3330249bf380a05ef51d28c519a769407e
        908ed01ecd895e809fdef70bd38e9ce17f375ef8a9009e1eccb05e9221ebe125c97e0000000000000000000000000000
        000000000000000000000000000000000000e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852
        b855
        """;
    private const string Block1Id = "e3c9e08cba031cdfe7ea276cd8f1950a6740b1586d742fb9d8ebd26fbe34ddbb";
    private const string Block1Hex = """
        000c706f6c69732d746573742d3100000000000000010000018bcfe56800000000000000000000000000000000000000
        0000000000000000000000000000e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855f36b
        45ae818809ee24ae2489edabfe3cf2a12627b6929c07fc7a3b885d414d444c3330249bf380a05ef51d28c519a769407e
        908ed01ecd895e809fdef70bd38e9ce17f375ef8a9009e1eccb05e9221ebe125c97e0000000000000000000000000000
        000000000000000000000000000000000000e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852
        b855000000000000000000
        """;
    private const string Block2Hex = """
        000c706f6c69732d746573742d3100000000000000020000018bcfe56be8e3c9e08cba031cdfe7ea276cd8f1950a6740
        b1586d742fb9d8ebd26fbe34ddbb869e3a0f96df0987a48730806fe4afabe6ed1eb4fb934bfa873e8acf469d1ec90469
        77fe25d893edf85927c4a038248b161c4b13431d0b5b9489e8bf179d89ae4c3330249bf380a05ef51d28c519a769407e
        908ed01ecd895e809fdef70bd38e3974a766ca25e567c8cf7bf0b80037a2e2512413abe03786be17a4d86d917829d574
        4e3b89f6ed165e83ab7227f76ff32c3cdd57fe41648dd39a54b6a6cfc7aae0fee189b7a9c3f41cadb1f11701b66be6a3
        c17f0000000100000090000c706f6c69732d746573742d31fc13bf985022a0ad9f4c9a7a3d7e4b908cd830ff94b8eeb7
        d7f220b7154c916b000000000000000001000000157472616e7366657220323520746f20626f6220233034131cb6ed6c
        77885bd320b15fb2058c483ef96f3bd5a13dbf27c17297915b97c7f2cb50aa28de45c158c1c58177e1e83de94b76df4c
        2b5676f81e335332a50701000000000000000100000000e3c9e08cba031cdfe7ea276cd8f1950a6740b1586d742fb9d8
        ebd26fbe34ddbb000000030000f8c0e91290f751936e50e3f7b10a177924b74ee3dc1f7ac8945d4a15f0fe8d044614ae
        e3ec8beabc81f5a847d5c187656ec64790ea6f0e3701243553ddf20203000159b259486a0540daa547c73cc729d14dcd
        739d2888378bb061df24bdbd7d1b6bebf5da3d780507b768613ed67f55eec3d53cadc8375ad4142512f58939be3b0f00
        026b14a8a0b9ae3a23f13b18c0501c2e8604622cd1af0be481560d9c3cd1d7cd8875b2959589dcab7a54573c63e0bbc6
        b02ad9a6de9d3f42a4b3b75c224933ce0c0000000101000000000000000100000000406427419c0cfa29e95bfbfa7d77
        162dc52d11bb4ad17d830c8cd6c656a33f53e87739f58aeebd94a71fe531e0716e2b8d004b2c5ef04fbbc0b5c044df78
        7d2c4d77ad796a04f96fca5b2e28a6658d098fa533a6718dd6e7945247ab57ec9e4cf6b9b861e846e249e7fae87468c7
        7335fe4f830301000000000000000100000000874edb44dbde25e4be8b30ed14040f3b8ce0050e9aceba061d0b47ef28
        dc331de87739f58aeebd94a71fe531e0716e2b8d004b2c9e1235a7b0f6ec14b4662735835ede3431818193e1a81e6671
        56121326167120ee4b2c7623c7a0a707ed93d558db6e2f0db8c3407c3d891ce4b74ec2d6e88c0a
        """;
    private const string Block2Id = "ac9bbbeee995d43e3b0775cb8ce10b4288a667be81af1e4565b85d820b0aa086";
    private const string EvidenceHex = """
        01000000000000000100000000406427419c0cfa29e95bfbfa7d77162dc52d11bb4ad17d830c8cd6c656a33f53e87739
        f58aeebd94a71fe531e0716e2b8d004b2c5ef04fbbc0b5c044df787d2c4d77ad796a04f96fca5b2e28a6658d098fa533
        a6718dd6e7945247ab57ec9e4cf6b9b861e846e249e7fae87468c77335fe4f830301000000000000000100000000874e
        db44dbde25e4be8b30ed14040f3b8ce0050e9aceba061d0b47ef28dc331de87739f58aeebd94a71fe531e0716e2b8d00
        4b2c9e1235a7b0f6ec14b4662735835ede3431818193e1a81e667156121326167120ee4b2c7623c7a0a707ed93d558db
        6e2f0db8c3407c3d891ce4b74ec2d6e88c0a
        """;
    private const string EvidenceHash = "874dca146f51b14651bcf58bc26e5b7f2e692fbf170b3ed4b04ed4346777fecd";
    private const string ValidatorSetHex = """
        00000004e0e9f8e88a68d78726d9789517121a4c168a416a95baf6cfca951c725a86f96c000000000000000ad3bfb03c
        5ea8aa2884363bf4d68ebd5e38059b03b8a1519b0e0f5abb627e3bd2000000000000000afd4e5b7347d2f3c6abd2fb54
        01400b7de3f3ca1d56fa5c7cf0498b204e3ebac9000000000000000acf17e30a16383db33ec3bc181b697d8ca3c5a8c2
        7d7c8ad4f0e33451f3549f98000000000000000a
        """;
    private const string ValidatorSetHash = "4c3330249bf380a05ef51d28c519a769407e908ed01ecd895e809fdef70bd38e";
    private const string MerkleRoot = "00d21829a5503145348abcf712513eacf2a274211ad83e970202bb5b6d80b286";
    private const string MerkleProofHex = """
        0000000000000003000000000000000500000003fca89f57c9f8c8eb4047a7ff9d333acf9e0f3384b20b255bceab0f21
        6dcca26760a53eed0de87a90c8e59427c59c46253c33a76a09502a51801300927b7e6bdcea9fc1a1b6e191b460d0d630
        6e3e870c173f39330f13cda1b70cfc72bdc398ba
        """;
    private const string Validator0Address = "polis1rkx2gam0mxt39vrltqdvgte4kpsyj6pckk6c0y";
    private const string UserAddress = "polis18mn23zr7flj7h5khv5l95fu9dzaf88lnvv3wtd";

    [Fact]
    public void Transaction_encoding_and_hash_match_the_golden_vector()
    {
        var tx = Build.Transfer(7);
        Assert.Equal(Hex(TxHex), Convert.ToHexStringLower(tx.Encoded));
        Assert.Equal(TxHash, tx.Hash.ToString());
        var decoded = Transaction.Decode(Convert.FromHexString(Hex(TxHex)));
        Assert.True(decoded.VerifySignature());
        Assert.Equal(Build.User.PublicKey, decoded.Sender);
        Assert.Equal(7UL, decoded.Nonce);
    }

    [Fact]
    public void Prevote_precommit_and_nil_vote_encodings_match_the_golden_vectors()
    {
        AssertVote(PrevoteHex, Build.Prevote(0, 2, 0, BlockId), 0);
        AssertVote(PrecommitHex, Build.Precommit(1, 2, 1, BlockId), 1);
        AssertVote(NilPrevoteHex, Build.Prevote(2, 2, 0, Hash32.Zero), 2);
        Assert.True(Vote.Decode(Convert.FromHexString(Hex(NilPrevoteHex))).IsNil);
    }

    [Fact]
    public void Proposal_encodings_fresh_and_with_a_valid_round_match_the_golden_vectors()
    {
        AssertProposal(ProposalFreshHex, Proposal.Create(Build.ChainId, Build.Validator(1), 2, 0, -1, BlockId));
        AssertProposal(ProposalValidRoundHex, Proposal.Create(Build.ChainId, Build.Validator(1), 2, 3, 1, BlockId));
    }

    [Fact]
    public void Commit_encoding_and_hash_match_the_golden_vector()
    {
        var commit = Build.Commit(2, 1, BlockId, 0, 1, 3);
        Assert.Equal(Hex(CommitHex), Convert.ToHexStringLower(commit.ToBytes()));
        Assert.Equal(CommitHash, commit.Hash().ToString());
        var decoded = Commit.Decode(Convert.FromHexString(Hex(CommitHex)));
        Assert.Equal(CommitHash, decoded.Hash().ToString());
        Assert.Equal("", decoded.Verify(Build.ChainId, Build.Validators, 2, BlockId));
    }

    [Fact]
    public void Block_header_encoding_and_block_id_match_the_golden_vector()
    {
        var header = Build.Header1();
        Assert.Equal(Hex(Header1Hex), Convert.ToHexStringLower(header.ToBytes()));
        Assert.Equal(Block1Id, header.Id.ToString());
        Assert.Equal(Block1Id, BlockHeader.Decode(Convert.FromHexString(Hex(Header1Hex))).Id.ToString());
    }

    [Fact]
    public void Block_at_height_1_without_last_commit_matches_the_golden_vector()
    {
        var block = Build.Block1();
        Assert.Equal(Hex(Block1Hex), Convert.ToHexStringLower(block.ToBytes()));
        Assert.Equal(Block1Id, block.Id.ToString());
        var decoded = Block.Decode(Convert.FromHexString(Hex(Block1Hex)));
        Assert.Null(decoded.LastCommit);
        Assert.Equal("", decoded.CheckStructure());
    }

    [Fact]
    public void Block_at_height_2_with_last_commit_transaction_and_evidence_matches_the_golden_vector()
    {
        var block = Build.Block2();
        Assert.Equal(Hex(Block2Hex), Convert.ToHexStringLower(block.ToBytes()));
        Assert.Equal(Block2Id, block.Id.ToString());
        var decoded = Block.Decode(Convert.FromHexString(Hex(Block2Hex)));
        Assert.Equal(Block2Id, decoded.Id.ToString());
        Assert.Single(decoded.Transactions);
        Assert.Single(decoded.Evidence);
        Assert.NotNull(decoded.LastCommit);
        Assert.Equal("", decoded.CheckStructure());
        Assert.Equal("", decoded.LastCommit.Verify(Build.ChainId, Build.Validators, 1, Hash32.Parse(Block1Id)));
    }

    [Fact]
    public void Duplicate_vote_evidence_encoding_and_hash_match_the_golden_vector()
    {
        var evidence = Build.Equivocation(1);
        Assert.Equal(Hex(EvidenceHex), Convert.ToHexStringLower(evidence.ToBytes()));
        Assert.Equal(EvidenceHash, evidence.Hash().ToString());
        var decoded = DuplicateVoteEvidence.Decode(Convert.FromHexString(Hex(EvidenceHex)));
        Assert.True(decoded.Verify(Build.ChainId, Build.Validator(3).PublicKey));
    }

    [Fact]
    public void Validator_set_encoding_and_hash_match_the_golden_vector()
    {
        Assert.Equal(Hex(ValidatorSetHex), Convert.ToHexStringLower(Build.Encode(Build.Validators)));
        Assert.Equal(ValidatorSetHash, Build.Validators.Hash.ToString());
        Assert.Equal(ValidatorSetHash, Build.DecodeValidatorSet(Convert.FromHexString(Hex(ValidatorSetHex))).Hash.ToString());
    }

    [Fact]
    public void Merkle_proof_encoding_and_root_match_the_golden_vector()
    {
        var leaves = new Hash32[5];
        for (int i = 0; i < leaves.Length; i++) leaves[i] = MerkleTree.LeafHash(System.Text.Encoding.UTF8.GetBytes($"leaf-{i}"));
        Assert.Equal(MerkleRoot, MerkleTree.RootOfLeafHashes(leaves).ToString());
        Assert.Equal(Hex(MerkleProofHex), Convert.ToHexStringLower(MerkleTree.Prove(leaves, 3).ToBytes()));
        var decoded = MerkleProof.Decode(Convert.FromHexString(Hex(MerkleProofHex)));
        Assert.True(decoded.Verify(Hash32.Parse(MerkleRoot), System.Text.Encoding.UTF8.GetBytes("leaf-3")));
    }

    [Fact]
    public void Address_text_form_matches_the_golden_vector()
    {
        Assert.Equal(Validator0Address, Build.Validator(0).Address.ToString());
        Assert.Equal(UserAddress, Build.User.Address.ToString());
        Assert.Equal(Build.User.Address, Address.Parse(UserAddress));
    }

    private static void AssertVote(string expectedHex, Vote vote, int validator)
    {
        Assert.Equal(Hex(expectedHex), Convert.ToHexStringLower(vote.ToBytes()));
        var decoded = Vote.Decode(Convert.FromHexString(Hex(expectedHex)));
        Assert.Equal(vote, decoded);
        Assert.True(decoded.Verify(Build.ChainId, Build.Validator(validator).PublicKey));
    }

    private static void AssertProposal(string expectedHex, Proposal proposal)
    {
        Assert.Equal(Hex(expectedHex), Convert.ToHexStringLower(proposal.ToBytes()));
        var decoded = Proposal.Decode(Convert.FromHexString(Hex(expectedHex)));
        Assert.Equal(proposal, decoded);
        Assert.True(decoded.Verify(Build.ChainId, Build.Validator(1).PublicKey));
    }

    /// <summary>The long constants are wrapped over lines; this joins them.</summary>
    private static string Hex(string wrapped) => string.Concat(wrapped.Where(c => !char.IsWhiteSpace(c)));
}
