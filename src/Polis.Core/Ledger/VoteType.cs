namespace Polis.Core.Ledger;

/// <summary>The two Tendermint vote kinds. Values are part of the signed encoding.</summary>
public enum VoteType : byte
{
    Prevote = 1,
    Precommit = 2,
}
