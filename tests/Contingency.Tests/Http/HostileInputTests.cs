namespace Contingency.Tests.Http;

using System.Text;
using System.Text.Json;

/// <summary>
/// Hostile input: every request of <see cref="HostileInputTable"/> answers a 4xx problem with a `code`
/// (or, for the few marked, is accepted without taking what it tried to set), and afterwards the
/// service still renders everything and holds only the rows that accepted requests made.
///
/// xunit does not order tests, and the checks after the table need the whole table to have run. So the
/// class fixture sends every case once, in the table's order, over one service and one SQLite file, and
/// records the answers. The theory then reports each case on its own line of the test list (cheap: it
/// only reads the recorded answer); the first fact reports every failing case in one message; the second
/// holds the service and its database against what the accepted requests may have done.
/// </summary>
public sealed class HostileInputTests(HostileFixture fx) : IClassFixture<HostileFixture>
{
    public static IEnumerable<object[]> CaseNames => HostileInputTable.Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_request_is_answered_as_the_contract_says(string name)
    {
        var result = fx.Results.Single(r => r.Case.Name == name);
        var failure = result.Failure();
        Assert.True(failure is null, result.Describe(failure ?? ""));
    }

    [Fact]
    public void The_table_is_large_and_every_case_is_answered_as_the_contract_says()
    {
        Assert.True(HostileInputTable.Cases.Count >= 200, $"only {HostileInputTable.Cases.Count} cases");
        Assert.Equal(HostileInputTable.Cases.Count, fx.Results.Count);
        var failures = fx.Results.Select(r => (r, failure: r.Failure())).Where(x => x.failure is not null)
            .Select(x => x.r.Describe(x.failure!)).ToList();
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {fx.Results.Count} hostile requests were not answered as the contract says:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Afterwards_every_read_answers_200_and_only_accepted_requests_left_rows()
    {
        var problems = new List<string>();

        // Which request made a record, to say so when it cannot be read.
        var madeBy = fx.Results.Where(r => r.Json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty("id", out _))
            .GroupBy(r => r.Json!.Value.GetProperty("id").ToString()).ToDictionary(g => g.Key, g => g.First().Case.Name);
        async Task<string> Origin(string table, string id)
        {
            if (madeBy.TryGetValue(id, out var name)) return $"made by '{name}'";
            var columns = table is "Programs" or "Commitments" ? "\"StartsOn\" || ', ' || \"Weeks\" || ' weeks'" : "'?'";
            return $"{await fx.ScalarAsync<string>($"SELECT {columns} FROM \"{table}\" WHERE \"Id\" = @id", ("@id", id))}";
        }

        // Every list and detail route renders everything there is, whatever the table left behind.
        async Task<JsonElement?> Read(string path, string? about = null)
        {
            using var response = await fx.Api.Http.GetAsync(path);
            var raw = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode == 200) return HostileFixture.TryParse(raw) ?? default(JsonElement);
            problems.Add($"GET {(path.Length > 120 ? path[..120] + "…" : path)}{(about is null ? "" : $" ({about})")} answered " +
                $"{(int)response.StatusCode}: {(raw.Length > 300 ? raw[..300] : raw)}");
            return null;
        }

        await Read("/api/programs");
        await Read("/api/jobs");
        await Read("/health/live");
        for (var page = 1; ; page++)
        {
            var listed = await Read($"/api/providers?page={page}&pageSize=500");
            if (listed is not { ValueKind: JsonValueKind.Object } list || list.GetProperty("items").GetArrayLength() < 500) break;
        }
        foreach (var id in await fx.IdsAsync("Programs"))
        {
            var about = await Origin("Programs", id);
            await Read($"/api/programs/{id}", about);
            await Read($"/api/programs/{id}/capacity", about);
            await Read($"/api/programs/{id}/capacity?by=day", about);
            await Read($"/api/programs/{id}/slots", about);
            await Read($"/api/programs/{id}/slots?from=2027-03-01&to=2027-03-14&limit=500", about);
            await Read($"/api/programs/{id}/commitments?pageSize=500", about);
            await Read($"/api/programs/{id}/payments?pageSize=500", about);
            await Read($"/api/programs/{id}/payment-batches?pageSize=500", about);
            await Read($"/api/appointments?programId={id}&pageSize=500", about);
            foreach (var csv in new[] { $"/api/programs/{id}/capacity.csv", $"/api/programs/{id}/capacity.csv?by=day", $"/api/programs/{id}/payments.csv" })
            {
                using var file = await fx.Api.Http.GetAsync(csv);
                if ((int)file.StatusCode != 200) problems.Add($"GET {csv} ({about}) answered {(int)file.StatusCode}");
            }
        }
        foreach (var id in await fx.IdsAsync("Providers"))
        {
            await Read($"/api/providers/{id}");
            await Read($"/api/providers/{id}/slots");
            await Read($"/api/providers/{id}/slots?from=2027-03-01&to=2027-03-14");
            await Read($"/api/providers/{id}/payments");
            await Read($"/api/providers/{id}/payments?programId={fx["program"]}");
        }
        foreach (var id in await fx.IdsAsync("Commitments")) await Read($"/api/commitments/{id}", await Origin("Commitments", id));
        foreach (var id in await fx.IdsAsync("Appointments")) await Read($"/api/appointments/{id}", await Origin("Appointments", id));
        foreach (var id in await fx.IdsAsync("PaymentBatches"))
        {
            await Read($"/api/payment-batches/{id}");
            using var csv = await fx.Api.Http.GetAsync($"/api/payment-batches/{id}/remittance.csv");
            if ((int)csv.StatusCode != 200) problems.Add($"GET /api/payment-batches/{id}/remittance.csv answered {(int)csv.StatusCode}");
        }

        // The rows of every table: the fixture's, plus what the accepted requests may add; no more.
        var expected = new Dictionary<string, long>(fx.Baseline);
        foreach (var result in fx.Results.Where(r => r.Accepted && r.Case.Expect.Success == r.Status))
        {
            if (result.Case.OnAccepted is null) continue;
            var tally = new Tally();
            try
            {
                await result.Case.OnAccepted(fx, result.Json ?? default, tally);
            }
            catch (Exception e)
            {
                tally.Problems.Add($"its answer or record could not be read: {e.Message}");
            }
            foreach (var (table, rows) in tally.Adds) expected[table] += rows;
            problems.AddRange(tally.Problems.Select(p => $"{result.Case.Name} (accepted): {p}"));
        }
        var counted = await fx.CountRowsAsync();
        foreach (var table in HostileFixture.Tables)
            if (counted[table] != expected[table])
                problems.Add($"{table} holds {counted[table]} rows; the fixture made {fx.Baseline[table]} and the accepted requests account for {expected[table]}");

        // No record took an id a request made up.
        foreach (var table in new[] { "Programs", "Providers", "Commitments", "Appointments", "Payments", "PaymentBatches" })
        {
            var taken = await fx.ScalarAsync<long>($"SELECT COUNT(*) FROM \"{table}\" WHERE \"Id\" LIKE 'hostile%'");
            if (taken > 0) problems.Add($"{table} holds {taken} rows with an id a request sent");
        }

        // No case sends a zero rate: one stored as 0 was rounded from what was sent (1e-30).
        var zeroRates = await fx.ScalarAsync<long>("SELECT COUNT(*) FROM \"Programs\" WHERE \"SessionRate\" = 0 OR \"PremiumRate\" = 0 OR \"SigningBonus\" = 0");
        if (zeroRates > 0) problems.Add($"{zeroRates} programs store a rate of 0, though no request sent one");

        var unexpected = fx.Results.Where(r => r.Accepted && r.Case.Expect.Success != r.Status).Select(r => r.Case.Name).ToList();
        var report = new StringBuilder();
        if (unexpected.Count > 0) report.AppendLine($"Accepted though they should have been refused: {string.Join("; ", unexpected)}");
        foreach (var p in problems) report.AppendLine(p);
        Assert.True(problems.Count == 0, report.ToString());
    }
}
