namespace Polis.Consensus;

/// <summary>The step of a round. The order matters: a validator signs in increasing (height, round, step).</summary>
public enum Step : byte
{
    Propose = 0,
    Prevote = 1,
    Precommit = 2,
}
