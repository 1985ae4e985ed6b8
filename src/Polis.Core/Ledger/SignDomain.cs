namespace Polis.Core.Ledger;

/// <summary>
/// First byte of every signed or hashed message, so bytes signed as one kind can never be replayed
/// as another kind (a vote can never pass for a transaction).
/// </summary>
public static class SignDomain
{
    public const byte Transaction = 0x10;
    public const byte Vote = 0x20;
    public const byte Proposal = 0x30;
    public const byte BlockHeader = 0x40;
    public const byte Commit = 0x50;
    public const byte ValidatorSet = 0x60;
    public const byte Evidence = 0x70;
    public const byte ProposalEvidence = 0x71;
    public const byte Reading = 0x80;
    /// <summary>A device's or a concentrator's proof of its key when it connects to a gateway's MQTT broker.</summary>
    public const byte MqttConnect = 0x81;
}
