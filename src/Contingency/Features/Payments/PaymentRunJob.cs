namespace Contingency.Features.Payments;

using Mediator;
using Quartz;

/// <summary>
/// Turns a program's payment moment into the run command, and nothing else. The command is
/// idempotent, so a misfire, a recovery after a crash or a second trigger can never pay twice.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PaymentRunJob(ISender sender) : IJob
{
    public const string ProgramIdKey = "programId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sender.Send(new RunPayments((string)context.MergedJobDataMap[ProgramIdKey]!), cancellationToken);
}
