using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Execution.Accounts;

/// <summary>Accounts and the native asset CITY: transfers between addresses.</summary>
public sealed class AccountsModule : IModule
{
    public ModuleId Id => ModuleId.Accounts;

    public TxResult Apply(Transaction tx, IStateView scratch, in BlockContext block)
    {
        TransferBody transfer;
        try
        {
            var r = new CanonicalReader(tx.Body);
            byte op = r.ReadU8("operation");
            if (op != (byte)AccountsOperation.Transfer) return new TxResult(tx.Hash, TxResultCode.UnknownOperation, $"unknown accounts operation {op}");
            transfer = TransferBody.Decode(ref r);
        }
        catch (CodecException e)
        {
            return new TxResult(tx.Hash, TxResultCode.MalformedBody, e.Message);
        }
        if (transfer.Amount == 0) return new TxResult(tx.Hash, TxResultCode.ZeroAmount, "transfer of zero");
        var fromAddress = tx.SenderAddress;
        var payer = AccountRecord.Load(scratch, fromAddress);
        if (payer.Balance < transfer.Amount)
            return new TxResult(tx.Hash, TxResultCode.InsufficientFunds, $"balance {payer.Balance} is less than {transfer.Amount}");
        payer = payer with { Balance = payer.Balance - transfer.Amount };
        payer.Store(scratch, fromAddress);
        var payee = AccountRecord.Load(scratch, transfer.To);
        if (ulong.MaxValue - payee.Balance < transfer.Amount)
            return new TxResult(tx.Hash, TxResultCode.AmountOverflow, "recipient balance would overflow");
        (payee with { Balance = payee.Balance + transfer.Amount }).Store(scratch, transfer.To);
        return TxResult.Ok(tx.Hash);
    }
}
