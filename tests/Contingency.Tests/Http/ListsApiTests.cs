namespace Contingency.Tests.Http;

using System.Globalization;
using System.Net;
using System.Text.Json;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;

/// <summary>
/// The operator lists: paged like providers, in an order that inserts cannot disturb (a row made
/// between two pages is neither read twice nor makes another row be skipped), with filters that
/// combine, and the roles of the contract's Security table, a provider seeing its own rows only.
/// </summary>
public sealed class ListsApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private static readonly DateTimeOffset FirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:00:00-08:00", CultureInfo.InvariantCulture);

    private readonly Api admin = app.Api();

    /// <summary>Every page of a list read one after another, with <paramref name="between"/> run after the first page.</summary>
    private async Task<(List<string> Ids, int LastTotal)> ReadAllPages(string path, int pageSize, Func<Task> between)
    {
        var ids = new List<string>();
        var separator = path.Contains('?') ? '&' : '?';
        for (var page = 1; ; page++)
        {
            var body = (await admin.Get($"{path}{separator}page={page}&pageSize={pageSize}")).Expect(HttpStatusCode.OK);
            Assert.Equal(page, body.Int("page"));
            Assert.Equal(pageSize, body.Int("pageSize"));
            var items = body.GetProperty("items").EnumerateArray().Select(i => i.Id()).ToList();
            ids.AddRange(items);
            if (page == 1) await between();
            if (items.Count < pageSize) return (ids, body.Int("total"));
        }
    }

    private async Task<List<string>> AllIds(string path)
    {
        var separator = path.Contains('?') ? '&' : '?';
        var body = (await admin.Get($"{path}{separator}pageSize=500")).Expect(HttpStatusCode.OK);
        Assert.Equal(body.GetProperty("items").GetArrayLength(), body.Int("total"));
        return body.GetProperty("items").EnumerateArray().Select(i => i.Id()).ToList();
    }

    private async Task<string> EnrollAndCommit(string programId, string region = "Santa Rosa")
    {
        var provider = (await admin.Enroll(Api.ProviderBody(region: region))).Id();
        await admin.Commit(programId, Api.CommitmentBody(provider));
        return provider;
    }

    [Fact]
    public async Task Commitments_page_stably_while_commitments_are_made_between_pages()
    {
        var programId = (await admin.CreateProgram()).Id();
        for (var i = 0; i < 7; i++) await EnrollAndCommit(programId);
        var before = await AllIds($"/api/programs/{programId}/commitments");

        var (read, total) = await ReadAllPages($"/api/programs/{programId}/commitments", 3, async () =>
        {
            await EnrollAndCommit(programId);
            await EnrollAndCommit(programId);
        });

        Assert.Equal(9, total);
        Assert.Equal(read.Count, read.Distinct().Count());
        // Every row that existed when paging began is read once, in its place; the new ones come after.
        Assert.Equal(before, read.Take(7));
        Assert.Equal(await AllIds($"/api/programs/{programId}/commitments"), read);
    }

    [Fact]
    public async Task Commitment_filters_combine_and_bad_queries_are_refused()
    {
        var programId = (await admin.CreateProgram()).Id();
        var north = new[] { await EnrollAndCommit(programId, "Sacramento"), await EnrollAndCommit(programId, "Sacramento") };
        var south = await EnrollAndCommit(programId, "Fresno");
        var withdrawn = (await admin.Get($"/api/programs/{programId}/commitments?region=Sacramento")).Expect(HttpStatusCode.OK)
            .GetProperty("items").EnumerateArray().First(c => c.Str("providerId") == north[0]).Id();
        (await admin.Post($"/api/commitments/{withdrawn}/withdraw", new { effectiveOn = "2027-03-15", reason = "left the area" }))
            .Expect(HttpStatusCode.OK);

        async Task<List<string>> Providers(string query) =>
            (await admin.Get($"/api/programs/{programId}/commitments?{query}")).Expect(HttpStatusCode.OK)
            .GetProperty("items").EnumerateArray().Select(c => c.Str("providerId")).ToList();

        Assert.Equal([north[0], north[1], south], await Providers(""));
        Assert.Equal([north[0], north[1]], await Providers("region=Sacramento"));
        Assert.Equal([north[1], south], await Providers("status=active"));
        Assert.Equal([north[1]], await Providers("status=active&region=Sacramento"));
        Assert.Equal([north[0]], await Providers("status=withdrawn&region=Sacramento"));
        Assert.Empty(await Providers("status=withdrawn&region=Fresno"));
        Assert.Empty(await Providers("region=Oakland"));
        var withdrawnView = (await admin.Get($"/api/programs/{programId}/commitments?status=withdrawn")).Expect(HttpStatusCode.OK)
            .GetProperty("items")[0];
        Assert.Equal("withdrawn", withdrawnView.Str("status"));
        Assert.Equal("2027-03-14", withdrawnView.Str("endsOn"));

        (await admin.Get($"/api/programs/{programId}/commitments?status=paused")).ExpectProblem(HttpStatusCode.BadRequest, "invalid-request");
        (await admin.Get($"/api/programs/{programId}/commitments?status=paused")).ExpectValidation("status");
        (await admin.Get($"/api/programs/{programId}/commitments?pageSize=501")).ExpectValidation("pageSize");
        (await admin.Get($"/api/programs/{programId}/commitments?page=0")).ExpectValidation("page");
        (await admin.Get("/api/programs/nope/commitments")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    /// <summary>Two providers in one program, bookings for two members over two days, one cancelled.</summary>
    private async Task<(string ProgramId, string A, string B, Dictionary<string, (string Provider, string Member, string Day, string Status)> Booked)> Bookings()
    {
        var programId = (await admin.CreateProgram()).Id();
        var a = await EnrollAndCommit(programId);
        var b = await EnrollAndCommit(programId);
        var booked = new Dictionary<string, (string Provider, string Member, string Day, string Status)>();
        foreach (var (provider, member, start) in new[]
                 {
                     (a, "M-1", "2027-03-02T09:00:00-08:00"), (a, "M-2", "2027-03-02T10:00:00-08:00"), (a, "M-1", "2027-03-03T09:00:00-08:00"),
                     (b, "M-1", "2027-03-02T11:00:00-08:00"), (b, "M-2", "2027-03-03T11:00:00-08:00"), (b, "M-2", "2027-03-04T11:00:00-08:00"),
                 })
            booked[(await admin.Book(Api.BookingBody(provider, start, memberRef: member))).Id()] = (provider, member, start[..10], "booked");
        var cancelled = booked.First(x => x.Value.Provider == b && x.Value.Day == "2027-03-03").Key;
        (await admin.Post($"/api/appointments/{cancelled}/cancel", new { reason = "member asked", initiatedBy = "member" })).Expect(HttpStatusCode.OK);
        booked[cancelled] = booked[cancelled] with { Status = "cancelled" };
        return (programId, a, b, booked);
    }

    [Fact]
    public async Task Appointment_filters_combine()
    {
        var (programId, a, b, booked) = await Bookings();

        async Task Check(string query, Func<(string Provider, string Member, string Day, string Status), bool> expected)
        {
            var listed = (await admin.Get($"/api/appointments?programId={programId}&{query}&pageSize=500")).Expect(HttpStatusCode.OK);
            var ids = listed.GetProperty("items").EnumerateArray().Select(i => i.Id()).ToList();
            var want = booked.Where(x => expected(x.Value)).Select(x => x.Key).Order(StringComparer.Ordinal).ToList();
            Assert.True(want.SequenceEqual(ids), $"{query}: expected {string.Join(",", want)}, got {string.Join(",", ids)}");
            Assert.Equal(want.Count, listed.Int("total"));
        }

        await Check("", _ => true);
        await Check($"providerId={a}", x => x.Provider == a);
        await Check("memberRef=M-1", x => x.Member == "M-1");
        await Check("status=cancelled", x => x.Status == "cancelled");
        await Check("from=2027-03-03", x => string.CompareOrdinal(x.Day, "2027-03-03") >= 0);
        await Check("to=2027-03-02", x => x.Day == "2027-03-02");
        await Check($"providerId={b}&memberRef=M-2", x => x.Provider == b && x.Member == "M-2");
        await Check($"providerId={b}&memberRef=M-2&status=booked", x => x.Provider == b && x.Member == "M-2" && x.Status == "booked");
        await Check("memberRef=M-1&from=2027-03-02&to=2027-03-02", x => x.Member == "M-1" && x.Day == "2027-03-02");
        await Check($"providerId={a}&memberRef=M-2&from=2027-03-03&to=2027-03-04", _ => false);

        // Without the program, a provider's appointments and a member's are found across programs.
        var elsewhere = (await admin.CreateProgram()).Id();
        var c = await EnrollAndCommit(elsewhere);
        var other = (await admin.Book(Api.BookingBody(c, "2027-03-05T09:00:00-08:00", memberRef: "M-elsewhere"))).Id();
        var byMember = (await admin.Get("/api/appointments?memberRef=M-elsewhere")).Expect(HttpStatusCode.OK);
        Assert.Equal([other], byMember.GetProperty("items").EnumerateArray().Select(i => i.Id()));
        var item = byMember.GetProperty("items")[0];
        Assert.Equal("M-elsewhere", item.Str("memberRef"));
        Assert.Equal(elsewhere, item.Str("programId"));
        Assert.Equal("2027-03-05T09:00:00-08:00", item.Str("start"));
        Assert.Equal([other], (await AllIds($"/api/appointments?providerId={c}")));
    }

    [Fact]
    public async Task Bad_appointment_queries_are_400_with_a_code_and_unknown_ids_404()
    {
        (await admin.Get("/api/appointments?status=rebooked")).ExpectValidation("status");
        (await admin.Get("/api/appointments?status=rebooked")).ExpectProblem(HttpStatusCode.BadRequest, "invalid-request");
        (await admin.Get("/api/appointments?from=2027-03-05&to=2027-03-01")).ExpectValidation("to");
        (await admin.Get("/api/appointments?from=2027-01-01&to=2028-01-02")).ExpectValidation("to");
        (await admin.Get("/api/appointments?from=1999-12-31")).ExpectValidation("from");
        (await admin.Get($"/api/appointments?memberRef={new string('M', 65)}")).ExpectValidation("memberRef");
        (await admin.Get("/api/appointments?pageSize=0")).ExpectValidation("pageSize");
        (await admin.Get("/api/appointments?page=2001&pageSize=500")).ExpectValidation("page");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Get("/api/appointments?from=03/01/2027")).Status);
        (await admin.Get("/api/appointments?programId=nope")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await admin.Get("/api/appointments?providerId=nope")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Appointments_page_stably_while_members_are_booked_between_pages()
    {
        var (programId, a, b, booked) = await Bookings();
        var path = $"/api/appointments?programId={programId}";
        var before = await AllIds(path);
        Assert.Equal(booked.Count, before.Count);

        // New bookings on earlier days and hours than any existing one: still read after them.
        var (read, total) = await ReadAllPages(path, 4, async () =>
        {
            await admin.Book(Api.BookingBody(a, "2027-03-01T09:00:00-08:00", memberRef: "M-3"));
            await admin.Book(Api.BookingBody(b, "2027-03-01T09:00:00-08:00", memberRef: "M-4"));
        });

        Assert.Equal(booked.Count + 2, total);
        Assert.Equal(read.Count, read.Distinct().Count());
        Assert.Equal(before, read.Take(before.Count));
        Assert.Equal(await AllIds(path), read);
    }

    [Fact]
    public async Task Each_list_answers_the_roles_of_the_security_table_with_real_rows()
    {
        var (programId, a, b, booked) = await Bookings();
        var commitments = $"/api/programs/{programId}/commitments";
        var appointments = $"/api/appointments?programId={programId}";
        var payments = $"/api/programs/{programId}/payments";
        var batches = $"/api/programs/{programId}/payment-batches";
        var moments = $"/api/programs/{programId}/payment-moments";

        var readers = new Dictionary<string, string[]>
        {
            [commitments] = [Roles.Enrollment],
            [appointments] = [Roles.Scheduling],
            [payments] = [Roles.Finance],
            [batches] = [Roles.Finance],
            [moments] = [Roles.Finance],
        };
        foreach (var (path, allowed) in readers)
            foreach (var role in new[] { Roles.Enrollment, Roles.Scheduling, Roles.Capacity, Roles.Finance, Roles.Admin })
            {
                var response = await app.ApiAs($"lists-{role}", role).Get(path);
                if (allowed.Contains(role) || role == Roles.Admin) response.Expect(HttpStatusCode.OK);
                else response.ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
            }

        var asA = app.ApiAsProvider(a);
        (await asA.Get(commitments)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await asA.Get(batches)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        // A provider's appointments: its own only, with or without the filters, and another's id is 404.
        var mine = booked.Where(x => x.Value.Provider == a).Select(x => x.Key).Order(StringComparer.Ordinal).ToList();
        foreach (var path in new[] { "/api/appointments", appointments, $"/api/appointments?providerId={a}", $"{appointments}&memberRef=M-1" })
        {
            var listed = (await asA.Get(path)).Expect(HttpStatusCode.OK);
            var ids = listed.GetProperty("items").EnumerateArray().Select(i => i.Id()).ToList();
            Assert.All(listed.GetProperty("items").EnumerateArray(), i => Assert.Equal(a, i.Str("providerId")));
            Assert.Equal(path.Contains("memberRef") ? mine.Where(id => booked[id].Member == "M-1") : mine, ids);
            Assert.Equal(ids.Count, listed.Int("total"));
        }
        (await asA.Get($"/api/appointments?providerId={b}")).ExpectProblem(HttpStatusCode.NotFound, "not-found");

        // A provider's payments in the program: its own schedule, exactly as its own payments route has it.
        var own = (await admin.Get($"/api/providers/{a}/payments?programId={programId}")).Expect(HttpStatusCode.OK)
            .EnumerateArray().Select(p => p.Id()).Order(StringComparer.Ordinal).ToList();
        var listedPayments = (await asA.Get($"{payments}?pageSize=500")).Expect(HttpStatusCode.OK);
        Assert.Equal(own, listedPayments.GetProperty("items").EnumerateArray().Select(p => p.Id()));
        Assert.Equal(own.Count, listedPayments.Int("total"));
        Assert.Equal(2 * own.Count, (await admin.Get($"{payments}?pageSize=500")).Expect(HttpStatusCode.OK).Int("total"));
        // Payment moments are accounts payable's view of the whole program: not a provider's.
        (await asA.Get(moments)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var scheduled = (await admin.Get($"{payments}?status=scheduled&pageSize=500")).Expect(HttpStatusCode.OK).Int("total");
        Assert.Equal(scheduled, (await admin.Get(moments)).Expect(HttpStatusCode.OK).EnumerateArray().Sum(m => m.Int("payments")));
    }

    [Fact]
    public async Task Payments_filter_by_status_and_due_date_and_batches_list_in_the_order_of_the_runs()
    {
        await using var paying = new ContingencyApp { SchedulerRuns = false };
        var api = paying.Api();
        var programId = (await api.CreateProgram()).Id();
        var providers = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            providers.Add((await api.Enroll()).Id());
            await api.Commit(programId, Api.CommitmentBody(providers[^1]));
        }
        (await api.Get($"/api/programs/{programId}/payment-batches")).Expect(HttpStatusCode.OK);
        Assert.Equal(0, (await api.Get($"/api/programs/{programId}/payment-batches")).Expect(HttpStatusCode.OK).Int("total"));

        paying.Clock.SetUtcNow(FirstPaymentMoment);
        var first = (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        paying.Clock.SetUtcNow(FirstPaymentMoment.AddDays(7));
        var second = (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);

        // Everything each provider's own route knows, as the expectation.
        var all = new List<JsonElement>();
        foreach (var p in providers)
            all.AddRange((await api.Get($"/api/providers/{p}/payments?programId={programId}")).Expect(HttpStatusCode.OK).EnumerateArray());
        async Task Check(string query, Func<JsonElement, bool> expected)
        {
            var listed = (await api.Get($"/api/programs/{programId}/payments?{query}&pageSize=500")).Expect(HttpStatusCode.OK);
            var want = all.Where(expected).Select(p => p.Id()).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(want, listed.GetProperty("items").EnumerateArray().Select(p => p.Id()));
            Assert.Equal(want.Count, listed.Int("total"));
        }
        static DateTimeOffset Due(JsonElement p) => p.GetProperty("dueAt").GetDateTimeOffset();
        var saturday = DateTimeOffset.Parse("2027-03-13T00:00:00-08:00", CultureInfo.InvariantCulture);

        await Check("", _ => true);
        await Check("status=released", p => p.Str("status") == "released");
        await Check("status=scheduled", p => p.Str("status") == "scheduled");
        await Check("dueBefore=2027-03-13", p => Due(p) < saturday);
        // What accounts payable pays on Friday 2027-03-12: scheduled and due before Saturday.
        await Check("status=scheduled&dueBefore=2027-03-13", p => p.Str("status") == "scheduled" && Due(p) < saturday);
        Assert.Equal(2, all.Count(p => p.Str("status") == "scheduled" && Due(p) < saturday));
        await Check("status=cancelled", _ => false);
        await Check("dueBefore=2027-02-01", _ => false);

        // Payment moments: the scheduled payments, grouped by dueAt and summed, exactly as the list has them.
        async Task Moments(string query)
        {
            var listed = (await api.Get($"/api/programs/{programId}/payments?status=scheduled&pageSize=500{query}")).Expect(HttpStatusCode.OK);
            var want = listed.GetProperty("items").EnumerateArray()
                .GroupBy(p => p.Str("dueAt")).OrderBy(g => Due(g.First()))
                .Select(g => (g.Key, g.Count(), g.Sum(p => p.GetProperty("amount").GetDecimal()), "USD"))
                .ToList();
            var moments = (await api.Get($"/api/programs/{programId}/payment-moments?{query.TrimStart('&')}")).Expect(HttpStatusCode.OK)
                .EnumerateArray().Select(m => (m.Str("dueAt"), m.Int("payments"), m.GetProperty("amount").GetDecimal(), m.Str("currency")))
                .ToList();
            Assert.Equal(want, moments);
        }
        await Moments("");
        await Moments("&dueBefore=2027-03-13");
        await Moments("&dueBefore=2027-02-01");
        Assert.Equal(("2027-03-12T17:00:00-08:00", 2), (await api.Get($"/api/programs/{programId}/payment-moments?dueBefore=2027-03-13"))
            .Expect(HttpStatusCode.OK).EnumerateArray().Select(m => (m.Str("dueAt"), m.Int("payments"))).Single());
        (await api.Get($"/api/programs/{programId}/payment-moments?dueBefore=2100-01-01")).ExpectValidation("dueBefore");
        (await api.Get("/api/programs/nope/payment-moments")).ExpectProblem(HttpStatusCode.NotFound, "not-found");

        (await api.Get($"/api/programs/{programId}/payments?status=paid")).ExpectValidation("status");
        (await api.Get($"/api/programs/{programId}/payments?dueBefore=2100-01-01")).ExpectValidation("dueBefore");
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Get($"/api/programs/{programId}/payments?dueBefore=2027-3-13")).Status);
        (await api.Get("/api/programs/nope/payments")).ExpectProblem(HttpStatusCode.NotFound, "not-found");

        // Batches, oldest first, one per page.
        var page1 = (await api.Get($"/api/programs/{programId}/payment-batches?pageSize=1")).Expect(HttpStatusCode.OK);
        var page2 = (await api.Get($"/api/programs/{programId}/payment-batches?pageSize=1&page=2")).Expect(HttpStatusCode.OK);
        Assert.Equal(2, page1.Int("total"));
        Assert.Equal(first.Str("batchId"), page1.GetProperty("items")[0].Id());
        Assert.Equal(second.Str("batchId"), page2.GetProperty("items")[0].Id());
        var batch = page1.GetProperty("items")[0];
        Assert.Equal(first.GetProperty("amount").GetDecimal(), batch.GetProperty("amount").GetDecimal());
        Assert.Equal(first.Int("released"), batch.Int("released"));
        Assert.Equal("2027-02-26T17:00:00-08:00", batch.Str("createdAt"));
        (await api.Get($"/api/programs/{programId}/payment-batches?pageSize=0")).ExpectValidation("pageSize");
        (await api.Get("/api/programs/nope/payment-batches")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Payments_page_stably_while_commitments_add_payments_between_pages()
    {
        var programId = (await admin.CreateProgram()).Id();
        await EnrollAndCommit(programId);
        await EnrollAndCommit(programId);
        var path = $"/api/programs/{programId}/payments";
        var before = await AllIds(path);

        var (read, total) = await ReadAllPages(path, 5, async () => await EnrollAndCommit(programId));

        Assert.Equal(before.Count * 3 / 2, total);
        Assert.Equal(read.Count, read.Distinct().Count());
        Assert.Equal(before, read.Take(before.Count));
        Assert.Equal(await AllIds(path), read);
    }
}
