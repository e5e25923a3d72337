namespace Contingency.Tests.Http;

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;

/// <summary>
/// The CSV exports: UTF-8 with a byte-order mark, CRLF, a header row, RFC 4180 quoting, text that a
/// spreadsheet would run as a formula neutralised; the numbers those of the JSON they mirror, and
/// the same roles.
/// </summary>
public sealed class ExportsApiTests
{
    private static readonly DateTimeOffset FirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:00:00-08:00", CultureInfo.InvariantCulture);

    /// <summary>The file's lines as cells, after checking its bytes: BOM, CRLF only, a final CRLF, and the header.</summary>
    private static async Task<List<List<string>>> Csv(HttpResponseMessage response, string header)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes[3..]);
        Assert.EndsWith("\r\n", text);
        Assert.DoesNotContain("\n", text.Replace("\r\n", ""));
        Assert.DoesNotContain("\r", text.Replace("\r\n", ""));
        var lines = text[..^2].Split("\r\n");
        Assert.Equal(header, lines[0]);
        var columns = header.Split(',').Length;
        var rows = lines[1..].Select(CsvLine.Cells).ToList();
        Assert.All(rows, r => Assert.Equal(columns, r.Count));
        return rows;
    }

    private static decimal Number(string cell) => decimal.Parse(cell, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Capacity_csv_is_the_json_rows_byte_for_byte_hygienic_by_week_and_by_day()
    {
        await using var app = new ContingencyApp();
        var api = app.Api();
        var programId = (await api.CreateProgram(Api.ProgramBody(holidays: ["2027-03-03"]))).Id();
        // Regions are free text: one a spreadsheet would run, one that needs quoting.
        var regions = new[] { "=HYPERLINK(\"http://x\")", "Lee, \"North\"", "Sacramento", "-1+1" };
        var providers = new List<string>();
        foreach (var region in regions)
        {
            providers.Add((await api.Enroll(Api.ProviderBody(region: region))).Id());
            await api.Commit(programId, Api.CommitmentBody(providers[^1], slotsPerDay: 3, weeks: 2));
        }
        await api.Book(Api.BookingBody(providers[0], "2027-03-02T09:00:00-08:00"));
        await api.Book(Api.BookingBody(providers[1], "2027-03-02T10:00:00-08:00"));
        await api.Book(Api.BookingBody(providers[1], "2027-03-09T10:00:00-08:00"));
        (await api.Put($"/api/programs/{programId}/demand", new Dictionary<string, int> { ["Sacramento"] = 40 })).Expect(HttpStatusCode.OK);

        foreach (var by in new[] { "week", "day" })
        {
            var json = (await api.Get($"/api/programs/{programId}/capacity?by={by}")).Expect(HttpStatusCode.OK).GetProperty("rows")
                .EnumerateArray().ToList();
            var rows = await Csv(await api.Http.GetAsync($"/api/programs/{programId}/capacity.csv?by={by}"),
                "period,region,committed,booked,free,utilization,demand,gap");
            Assert.Equal(json.Count, rows.Count);
            // By week, Sacramento's demand gives it a row in each of the program's 8 weeks; the others have their 2 committed weeks.
            Assert.Equal(by == "week" ? 2 * (regions.Length - 1) + 8 : 9 * regions.Length, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var region = json[i].Str("region");
                Assert.Equal(json[i].Str("period"), rows[i][0]);
                Assert.Equal(region[0] is '=' or '-' ? "'" + region : region, rows[i][1]);
                Assert.Equal(json[i].Int("committed"), int.Parse(rows[i][2], CultureInfo.InvariantCulture));
                Assert.Equal(json[i].Int("booked"), int.Parse(rows[i][3], CultureInfo.InvariantCulture));
                Assert.Equal(json[i].Int("free"), int.Parse(rows[i][4], CultureInfo.InvariantCulture));
                Assert.Equal(json[i].GetProperty("utilization").GetDecimal(), Number(rows[i][5]));
                foreach (var (name, column) in new[] { ("demand", 6), ("gap", 7) })
                    Assert.Equal(json[i].GetProperty(name).ValueKind == System.Text.Json.JsonValueKind.Null ? "" : json[i].GetProperty(name).GetInt32().ToString(CultureInfo.InvariantCulture), rows[i][column]);
            }
            Assert.Equal(3, rows.Sum(r => int.Parse(r[3], CultureInfo.InvariantCulture)));
        }

        // The raw file (a holiday on 2027-03-03 leaves four days in the first week): the formula is neutralised inside its quotes, the comma and quotes are RFC 4180.
        var raw = Encoding.UTF8.GetString(await api.Http.GetByteArrayAsync($"/api/programs/{programId}/capacity.csv"));
        Assert.Contains("\r\n2027-03-01,\"'=HYPERLINK(\"\"http://x\"\")\",12,1,11,0.0833,0,0\r\n", raw);
        Assert.Contains("\r\n2027-03-01,\"Lee, \"\"North\"\"\",12,1,11,0.0833,0,0\r\n", raw);
        Assert.Contains("\r\n2027-03-08,'-1+1,15,0,15,0,0,0\r\n", raw);
        Assert.Contains("\r\n2027-03-08,Sacramento,15,0,15,0,40,25\r\n", raw);

        // The same filters as the JSON, and the same refusals.
        var sacramento = await Csv(await api.Http.GetAsync($"/api/programs/{programId}/capacity.csv?region=Sacramento"),
            "period,region,committed,booked,free,utilization,demand,gap");
        Assert.All(sacramento, r => Assert.Equal("Sacramento", r[1]));
        (await api.Get($"/api/programs/{programId}/capacity.csv?by=month")).ExpectValidation("by");
        (await api.Get("/api/programs/nope/capacity.csv")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Payments_csv_holds_the_json_lists_rows_and_numbers_and_keeps_negative_amounts_numbers()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var programId = (await api.CreateProgram()).Id();
        var providers = new List<(string Id, string Name)>();
        foreach (var name in new[] { "Ana \"Nina\" Ruiz", "=HYPERLINK(\"x\")", "Lee, Chris", "@SUM(A1)" })
        {
            var body = JsonSerializer.SerializeToNode(Api.ProviderBody())!.AsObject();
            body["name"] = name;
            providers.Add(((await api.Enroll(body)).Id(), name));
        }
        var commitments = new List<string>();
        foreach (var (id, _) in providers) commitments.Add((await api.Commit(programId, Api.CommitmentBody(id, slotsPerDay: 2))).Id());
        app.Clock.SetUtcNow(FirstPaymentMoment);
        var run = (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        // Withdrawing inside the first, already paid week cancels later advances and adds a negative adjustment.
        (await api.Post($"/api/commitments/{commitments[0]}/withdraw", new { effectiveOn = "2027-03-03", reason = "moved away" }))
            .Expect(HttpStatusCode.OK);

        const string header = "payment_id,provider_id,npi,provider_name,commitment_id,kind,period_start,period_end,sessions,unit_amount,amount,currency,due_at,status,released_at,batch_id";
        var json = (await api.Get($"/api/programs/{programId}/payments?pageSize=500")).Expect(HttpStatusCode.OK).GetProperty("items")
            .EnumerateArray().ToList();
        var rows = await Csv(await api.Http.GetAsync($"/api/programs/{programId}/payments.csv"), header);

        Assert.Equal(json.Select(p => p.Id()), rows.Select(r => r[0]));
        for (var i = 0; i < rows.Count; i++)
        {
            var p = json[i];
            var provider = providers.Single(x => x.Id == p.Str("providerId"));
            Assert.Equal(provider.Id, rows[i][1]);
            Assert.Equal("=@".Contains(provider.Name[0]) ? "'" + provider.Name : provider.Name, rows[i][3]);
            Assert.Equal(p.Str("commitmentId"), rows[i][4]);
            Assert.Equal(p.Str("kind"), rows[i][5]);
            Assert.Equal(p.GetProperty("periodStart").ValueKind == JsonValueKind.Null ? "" : p.Str("periodStart"), rows[i][6]);
            Assert.Equal(p.GetProperty("periodEnd").ValueKind == JsonValueKind.Null ? "" : p.Str("periodEnd"), rows[i][7]);
            Assert.Equal(p.Int("sessions"), int.Parse(rows[i][8], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
            Assert.Equal(p.GetProperty("unitAmount").GetDecimal(), Number(rows[i][9]));
            Assert.Equal(p.GetProperty("amount").GetDecimal(), Number(rows[i][10]));
            Assert.Matches(@"^-?\d+\.\d\d$", rows[i][10]);
            Assert.Equal(p.Str("currency"), rows[i][11]);
            Assert.Equal(p.Str("dueAt"), rows[i][12]);
            Assert.Equal(p.Str("status"), rows[i][13]);
            Assert.Equal(p.GetProperty("releasedAt").ValueKind == JsonValueKind.Null ? "" : p.Str("releasedAt"), rows[i][14]);
            Assert.Equal(p.GetProperty("batchId").ValueKind == JsonValueKind.Null ? "" : p.Str("batchId"), rows[i][15]);
        }
        Assert.Contains(rows, r => r[5] == "adjustment" && r[10].StartsWith('-') && Number(r[10]) < 0);
        Assert.Contains(rows, r => r[13] == "cancelled");
        Assert.Equal(run.GetProperty("amount").GetDecimal(), rows.Where(r => r[13] == "released").Sum(r => Number(r[10])));
        Assert.Contains(rows, r => r[3] == "Lee, Chris");
        Assert.Contains(rows, r => r[3] == "Ana \"Nina\" Ruiz");

        // The list's filters apply to the file too.
        var released = await Csv(await api.Http.GetAsync($"/api/programs/{programId}/payments.csv?status=released"), header);
        Assert.Equal(run.Int("released"), released.Count);
        var dueSoon = await Csv(await api.Http.GetAsync($"/api/programs/{programId}/payments.csv?status=scheduled&dueBefore=2027-03-06"), header);
        var dueSoonJson = (await api.Get($"/api/programs/{programId}/payments?status=scheduled&dueBefore=2027-03-06&pageSize=500"))
            .Expect(HttpStatusCode.OK).GetProperty("items").EnumerateArray().Select(p => p.Id());
        Assert.NotEmpty(dueSoon);
        Assert.Equal(dueSoonJson, dueSoon.Select(r => r[0]));
        (await api.Get($"/api/programs/{programId}/payments.csv?status=due")).ExpectValidation("status");
        (await api.Get("/api/programs/nope/payments.csv")).ExpectProblem(HttpStatusCode.NotFound, "not-found");

        // A provider's file holds its own payments only.
        var own = await Csv(await app.ApiAsProvider(providers[2].Id).Http.GetAsync($"/api/programs/{programId}/payments.csv"), header);
        Assert.NotEmpty(own);
        Assert.All(own, r => Assert.Equal(providers[2].Id, r[1]));
        Assert.Equal(json.Count(p => p.Str("providerId") == providers[2].Id), own.Count);
    }

    [Fact]
    public async Task Exports_answer_the_roles_the_contract_gives_them()
    {
        await using var app = new ContingencyApp();
        var (programId, _, _) = await app.Api().Scenario();
        var routes = new (string Path, string[] Allowed)[]
        {
            ($"/api/programs/{programId}/capacity.csv", [Roles.Capacity, Roles.Admin]),
            ($"/api/programs/{programId}/payments.csv", [Roles.Finance, Roles.Capacity, Roles.Admin]),
        };
        foreach (var (path, allowed) in routes)
        {
            foreach (var role in new[] { Roles.Enrollment, Roles.Scheduling, Roles.Capacity, Roles.Finance, Roles.Admin })
            {
                var response = await app.ApiAs($"exports-{role}", role).Http.GetAsync(path);
                Assert.Equal(allowed.Contains(role) ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
            }
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWith(null).GetAsync(path)).StatusCode);
        }
        // The capacity file is the planners': a provider is refused it.
        (await app.ApiAsProvider("someone").Get($"/api/programs/{programId}/capacity.csv")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }
}
