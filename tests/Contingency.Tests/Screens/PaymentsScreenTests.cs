namespace Contingency.Tests.Screens;

using System.Globalization;
using System.Net;
using Bunit;
using Contingency.Features.Payments;
using Contingency.Infrastructure.Security;
using Contingency.Screens;
using Contingency.Tests.Support;

/// <summary>Accounts payable as components over a real service whose scheduler stays still, so the test releases payments itself.</summary>
public sealed class PaymentsScreenTests : IAsyncLifetime
{
    private static readonly DateTimeOffset FirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:00:00-08:00", CultureInfo.InvariantCulture);
    private readonly ContingencyApp app = new() { SchedulerRuns = false };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task What_is_due_next_is_the_api_s_and_after_a_payment_run_the_batch_is_listed_with_its_lines()
    {
        var api = app.Api();
        app.Clock.SetUtcNow(FirstPaymentMoment.AddHours(-5));
        var (programId, _, _) = await api.Scenario();

        await using var screen = new ScreenContext(app, Roles.Finance);
        var before = screen.Render<AccountsPayable>(p => p.Add(c => c.ProgramId, programId));
        before.WaitForAssertion(() => Assert.NotEmpty(before.FindAll("[data-testid=due-summary]")), TimeSpan.FromSeconds(10));
        // Due next: everything scheduled before the day after the scheduler's next run, Friday 2027-02-26 17:00.
        Assert.Equal("The scheduler runs this program's payments next at Fri 2027-02-26 17:00 \u221208:00.", before.Find("[data-testid=next-run]").TextContent);
        var due = (await api.Get($"/api/programs/{programId}/payments?status=scheduled&dueBefore=2027-02-27&pageSize=500")).Expect(HttpStatusCode.OK);
        var amount = due.GetProperty("items").EnumerateArray().Sum(p => p.GetProperty("amount").GetDecimal());
        Assert.Equal($"{due.Int("total")} payments due before Sat 2027-02-27, {Show.Money(amount, "USD")}.", before.Find("[data-testid=due-summary]").TextContent);
        Assert.Equal(2, due.Int("total"));
        Assert.Equal("No payment has been released yet.", before.Find("#batches-heading + p").TextContent);

        app.Clock.SetUtcNow(FirstPaymentMoment.AddHours(1));
        var run = (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        var batchId = run.Str("batchId");

        var after = screen.Render<AccountsPayable>(p => p.Add(c => c.ProgramId, programId));
        after.WaitForAssertion(() => Assert.NotEmpty(after.FindAll("[data-testid=batches] tbody tr")), TimeSpan.FromSeconds(10));
        var row = Assert.Single(after.FindAll("[data-testid=batches] tbody tr"));
        Assert.Equal(batchId, row.QuerySelector("a")!.TextContent);
        Assert.Equal($"/payment-batches/{batchId}", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(Show.Count(run.Int("released")), row.Children[2].TextContent);
        Assert.Equal(Show.Money(run.GetProperty("amount").GetDecimal(), "USD"), row.Children[3].TextContent);
        Assert.Equal($"/download/api/payment-batches/{batchId}/remittance.csv", row.Children[4].QuerySelector("a")!.GetAttribute("href"));
        after.WaitForAssertion(() => Assert.Contains("No scheduled payment is due before", after.Find("#due-heading ~ p:not([data-testid])").TextContent));

        var batch = screen.Render<PaymentBatchScreen>(p => p.Add(c => c.BatchId, batchId));
        batch.WaitForAssertion(() => Assert.NotEmpty(batch.FindAll("[data-testid=lines] tbody tr")), TimeSpan.FromSeconds(10));
        var api_ = (await api.Get($"/api/payment-batches/{batchId}")).Expect(HttpStatusCode.OK);
        var ids = api_.GetProperty("payments").EnumerateArray().Select(p => p.Id()).ToList();
        Assert.Equal(ids, batch.FindAll("[data-testid=lines] tbody tr").Select(tr => tr.Children[0].TextContent));
        Assert.Equal(Show.Money(api_.GetProperty("amount").GetDecimal(), "USD"), batch.Find("[data-figure=amount]").TextContent);
    }

    [Fact]
    public async Task A_person_without_finance_reads_the_api_s_refusal()
    {
        await app.Api().Scenario();
        await using var screen = new ScreenContext(app, Roles.Capacity);
        var batch = screen.Render<PaymentBatchScreen>(p => p.Add(c => c.BatchId, "nope"));
        batch.WaitForAssertion(() => Assert.Equal("Your roles do not allow this.", batch.Find("[role=alert]").TextContent));
    }
}
