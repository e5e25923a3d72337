namespace Contingency.Tests.Http;

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Contingency.Data;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The roster import: every valid row enrolled, every other reported by its line, duplicates found in
/// the database and in the file, and a body that is not a roster refused whole.
/// </summary>
public sealed class RosterImportTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private const string Header = "name, npi, licenseType, licenseNumber, email, region, modalities, languages";

    private readonly Api api = app.Api();

    private static string Row(string npi, string name = "Leslie Hansen", string licenseType = "LMFT", string email = "lh@example.org",
        string region = "Santa Rosa", string modalities = "video;in-person", string languages = "en;es") =>
        $"{name},{npi},{licenseType},LMFT 54321,{email},{region},{modalities},{languages}";

    private static async Task<Response> Import(Api api, string csv, string contentType = "text/csv") =>
        await Import(api, Encoding.UTF8.GetBytes(csv), contentType);

    private static async Task<Response> Import(Api api, byte[] body, string contentType = "text/csv")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Response.Of(await api.Http.PostAsync("/api/providers/import", content));
    }

    private async Task<int> Enrolled(params string[] npis)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ContingencyDb>().Providers.CountAsync(p => npis.Contains(p.Npi));
    }

    [Fact]
    public async Task A_row_short_of_fields_is_an_invalid_row_not_a_failure()
    {
        var npis = new[] { Api.NewNpi(), Api.NewNpi() };
        // The second row stops after the email: region, modalities and languages are missing.
        var csv = $"{Header}\r\n{Row(npis[0])}\r\nLee Ortiz,{npis[1]},LCSW,LCS 9,lo@example.org\r\n";
        var report = (await Import(api, csv)).Expect(HttpStatusCode.OK);

        Assert.Equal((1, 0, 1), (report.Int("created"), report.Int("duplicates"), report.Int("invalid")));
        var shortRow = report.GetProperty("rows").EnumerateArray().Single(r => r.Str("status") == "invalid");
        Assert.Equal(3, shortRow.Int("line"));
        Assert.True(shortRow.GetProperty("errors").TryGetProperty("region", out _), shortRow.ToString());
        Assert.Equal(1, await Enrolled(npis));
    }

    [Fact]
    public async Task Enrolls_every_valid_row()
    {
        var npis = Enumerable.Range(0, 3).Select(_ => Api.NewNpi()).ToArray();
        var csv = $"{Header}\r\n{Row(npis[0])}\r\n\"Hansen, Ortiz\",{npis[1]},PsyD,PSY 1,o@example.org,Fresno,phone,en\r\n{Row(npis[2], languages: " en ; vi ;")}\r\n";
        var report = (await Import(api, csv)).Expect(HttpStatusCode.OK);

        Assert.Equal((3, 0, 0), (report.Int("created"), report.Int("duplicates"), report.Int("invalid")));
        var rows = report.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal([2, 3, 4], rows.Select(r => r.Int("line")));
        Assert.All(rows, r => Assert.Equal("created", r.Str("status")));
        var second = (await api.Get($"/api/providers/{rows[1].Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("Hansen, Ortiz", npis[1], "PsyD", "Fresno", "active"),
            (second.Str("name"), second.Str("npi"), second.Str("licenseType"), second.Str("region"), second.Str("status")));
        Assert.Equal(["phone"], second.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()));
        var third = (await api.Get($"/api/providers/{rows[2].Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(["en", "vi"], third.GetProperty("languages").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(3, await Enrolled(npis));

        // Each enrollment is audited under the import's name.
        var audit = (await api.Get($"/api/audit?entityType=provider&entityId={rows[0].Id()}")).Expect(HttpStatusCode.OK).GetProperty("items");
        Assert.Equal("import-roster", Assert.Single(audit.EnumerateArray()).Str("action"));
    }

    [Fact]
    public async Task Reports_duplicates_in_the_database_and_in_the_file_and_invalid_rows_by_line()
    {
        var existing = await api.Enroll();
        var fresh = Api.NewNpi();
        var repeated = Api.NewNpi();
        var prefix = Api.NewNpi()[..9];
        var badCheckDigit = prefix + (Npi.CheckDigit(prefix) + 1) % 10;
        var csv = string.Join("\n",
            Header,
            Row(fresh),                                        // 2 created
            Row(existing.Str("npi")),                          // 3 duplicate of the enrolled provider
            "",                                                // 4 an empty line: skipped, still counted
            Row(repeated),                                     // 5 created
            Row(repeated, name: "Same NPI Again"),             // 6 duplicate of line 5
            Row(badCheckDigit),                                // 7 invalid npi
            Row(Api.NewNpi(), licenseType: "RN", email: "not-an-email"), // 8 invalid licence type and email
            $"\"Two\nLines\",{Api.NewNpi()},LMFT,L 1,a@example.org,Oakland,telepathy,en", // 9-10 invalid modality
            Row(Api.NewNpi(), name: ""),                       // 11 invalid name
            "");

        var report = (await Import(api, csv)).Expect(HttpStatusCode.OK);
        Assert.Equal((2, 2, 4), (report.Int("created"), report.Int("duplicates"), report.Int("invalid")));
        var rows = report.GetProperty("rows").EnumerateArray().ToDictionary(r => r.Int("line"));
        Assert.Equal([2, 3, 5, 6, 7, 8, 9, 11], rows.Keys);
        Assert.Equal(("duplicate", existing.Id()), (rows[3].Str("status"), rows[3].Id()));
        Assert.Contains("npi", rows[3].GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(("duplicate", rows[5].Id()), (rows[6].Str("status"), rows[6].Id()));
        Assert.Equal("created", rows[5].Str("status"));

        string[] Fields(int line) => [.. rows[line].GetProperty("errors").EnumerateObject().Select(e => e.Name).Order()];
        Assert.All(new[] { 7, 8, 9, 11 }, line =>
        {
            Assert.Equal("invalid", rows[line].Str("status"));
            Assert.Equal(System.Text.Json.JsonValueKind.Null, rows[line].GetProperty("id").ValueKind);
        });
        Assert.Equal(["npi"], Fields(7));
        Assert.Equal(["email", "licenseType"], Fields(8));
        Assert.StartsWith("modalities", Assert.Single(Fields(9)));
        Assert.Equal(["name"], Fields(11));
        // No classified value in the report.
        Assert.DoesNotContain("not-an-email", report.ToString());

        // The database holds exactly the valid rows: the two new ones, and the enrolled one once.
        Assert.Equal(2, await Enrolled(fresh, repeated));
        Assert.Equal(1, await Enrolled(existing.Str("npi")));
    }

    [Theory]
    [InlineData("name, npi, licenseType, licenseNumber, email, region, modalities")]     // no languages
    [InlineData("name; npi; licenseType; licenseNumber; email; region; modalities; languages")]
    [InlineData("fullName, npi, licenseType, licenseNumber, email, region, modalities, languages")]
    [InlineData("name, npi, npi, licenseType, licenseNumber, email, region, modalities, languages")]
    public async Task A_header_without_every_column_is_400_and_enrolls_nobody(string header)
    {
        var npi = Api.NewNpi();
        var refused = (await Import(api, $"{header}\n{Row(npi)}\n")).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        Assert.Contains("header", refused.Str("detail"));
        Assert.Equal(0, await Enrolled(npi));
    }

    [Fact]
    public async Task Columns_may_come_in_any_order_and_case_beside_others()
    {
        var npi = Api.NewNpi();
        var csv = $"Region,NPI,Name,LicenseType,Notes,LicenseNumber,Email,Modalities,Languages\nOakland,{npi},Kim Lee,LCSW,ignored,LCSW 1,k@example.org,video,ko\n";
        var report = (await Import(api, csv)).Expect(HttpStatusCode.OK);
        Assert.Equal(1, report.Int("created"));
        var provider = (await api.Get($"/api/providers/{report.GetProperty("rows")[0].Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("Kim Lee", "Oakland", "LCSW"), (provider.Str("name"), provider.Str("region"), provider.Str("licenseType")));
    }

    [Fact]
    public async Task A_body_that_is_not_csv_is_refused_and_enrolls_nobody()
    {
        var npi = Api.NewNpi();
        // Not UTF-8 text at all.
        var binary = Encoding.UTF8.GetBytes($"{Header}\n{Row(npi)}\n").Concat(new byte[] { 0xC3, 0x28, 0xFF, 0xFE }).ToArray();
        (await Import(api, binary)).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        (await Import(api, Encoding.UTF8.GetBytes($"{Header}\n{Row(npi)}\0\n"))).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        // JSON sent as CSV.
        (await Import(api, System.Text.Json.JsonSerializer.Serialize(new[] { Api.ProviderBody(npi) }))).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        // Quoting that never closes.
        (await Import(api, $"{Header}\n{Row(npi)}\n\"Unclosed,{Api.NewNpi()},LMFT,L,a@example.org,Oakland,video,en\n"))
            .ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        (await Import(api, "")).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        // Another media type.
        (await Import(api, $"{Header}\n{Row(npi)}\n", "application/json")).ExpectProblem(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Equal(0, await Enrolled(npi));
    }

    [Fact]
    public async Task A_roster_of_five_thousand_rows_imports_whole()
    {
        var npis = Enumerable.Range(0, 5000).Select(_ => Api.NewNpi()).ToArray();
        var csv = new StringBuilder(Header).Append("\r\n");
        foreach (var npi in npis) csv.Append(Row(npi, name: $"Provider {npi}")).Append("\r\n");
        var report = (await Import(api, csv.ToString())).Expect(HttpStatusCode.OK);
        Assert.Equal((5000, 0, 0), (report.Int("created"), report.Int("duplicates"), report.Int("invalid")));
        Assert.Equal(5001, report.GetProperty("rows")[4999].Int("line"));
        Assert.Equal(5000, await Enrolled(npis));
    }

    [Fact]
    public async Task The_document_shows_a_csv_body()
    {
        var doc = System.Text.Json.Nodes.JsonNode.Parse(await app.ClientWith(null).GetStringAsync("/openapi/v1.json"))!;
        var operation = doc["paths"]!["/api/providers/import"]!["post"]!;
        Assert.NotNull(operation["requestBody"]?["content"]?["text/csv"]);
        Assert.Contains("modalities", (string?)operation["requestBody"]!["description"]);
        Assert.NotNull(operation["responses"]?["415"]);
    }

    [Fact]
    public async Task Only_enrollment_and_admin_import()
    {
        var npi = Api.NewNpi();
        foreach (var role in new[] { Roles.Scheduling, Roles.Capacity, Roles.Finance })
            (await Import(app.ApiAs($"{role}-user", role), $"{Header}\n{Row(npi)}\n")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Import(app.ApiAsProvider("someone"), $"{Header}\n{Row(npi)}\n")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(0, await Enrolled(npi));
        Assert.Equal(1, (await Import(app.ApiAs("enroller-ana", Roles.Enrollment), $"{Header}\n{Row(npi)}\n")).Expect(HttpStatusCode.OK).Int("created"));
    }
}
