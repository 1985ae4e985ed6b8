namespace Polis.State.Tree;

/// <summary>The three kinds of subtree in the sparse Merkle tree. Values are part of the stored encoding.</summary>
public enum NodeKind : byte
{
    Empty = 0,
    Leaf = 1,
    Internal = 2,
}
