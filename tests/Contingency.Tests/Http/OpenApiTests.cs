namespace Contingency.Tests.Http;

using System.Net;
using System.Text.Json.Nodes;
using Contingency.Infrastructure.OpenApi;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

/// <summary>The OpenAPI document, held against the endpoints the service really maps and the contract.</summary>
public sealed class OpenApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    private async Task<JsonObject> Document()
    {
        var response = await api.Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject doc) =>
        from path in doc["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        select (path.Key, method.Key, method.Value!.AsObject());

    private static JsonObject Operation(JsonObject doc, string operationId) =>
        Operations(doc).Single(o => (string?)o.Operation["operationId"] == operationId).Operation;

    private static JsonObject Schema(JsonObject doc, string name) => doc["components"]!["schemas"]![name]!.AsObject();

    private static JsonObject Property(JsonObject doc, string schema, string property) =>
        Schema(doc, schema)["properties"]![property]!.AsObject();

    private static string[] Strings(JsonNode? array) => array!.AsArray().Select(n => (string)n!).ToArray();

    private static string[] Types(JsonObject schema) =>
        schema["type"] switch
        {
            JsonArray many => Strings(many),
            JsonValue one => [(string)one!],
            _ => [],
        };

    private static string TypeOf(JsonObject schema) => string.Join(",", Types(schema).Order());

    /// <summary>Every route under /api the app maps, as the document names it: ("/api/programs/{id}", "get").</summary>
    private List<(string Path, string Method, Endpoint Endpoint)> ApiEndpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods
                .Select(m => (e.RoutePattern.RawText!.TrimEnd('/'), m.ToLowerInvariant(), (Endpoint)e)))
            .ToList();

    [Fact]
    public async Task Every_api_endpoint_has_an_operation_with_a_unique_operation_id()
    {
        var doc = await Document();
        var endpoints = ApiEndpoints();
        Assert.True(endpoints.Count >= 24, $"Only {endpoints.Count} /api endpoints found");

        foreach (var (path, method, _) in endpoints)
        {
            var operation = doc["paths"]?[path]?[method];
            Assert.True(operation is not null, $"{method.ToUpperInvariant()} {path} is not in the document");
            Assert.False(string.IsNullOrWhiteSpace((string?)operation!["operationId"]), $"{method.ToUpperInvariant()} {path} has no operationId");
        }

        var ids = Operations(doc).Select(o => (string?)o.Operation["operationId"]).ToList();
        Assert.All(ids, id => Assert.False(string.IsNullOrWhiteSpace(id)));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // Nothing documented that the app does not map.
        Assert.Equal(endpoints.Count, Operations(doc).Count(o => o.Path.StartsWith("/api", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("post", "/api/programs", "createProgram")]
    [InlineData("get", "/api/programs", "listPrograms")]
    [InlineData("get", "/api/programs/{id}", "getProgram")]
    [InlineData("post", "/api/programs/{id}/extend", "extendProgram")]
    [InlineData("post", "/api/programs/{id}/close", "closeProgram")]
    [InlineData("get", "/api/retention", "getRetention")]
    [InlineData("post", "/api/providers", "enrollProvider")]
    [InlineData("get", "/api/providers", "listProviders")]
    [InlineData("get", "/api/providers/{id}", "getProvider")]
    [InlineData("post", "/api/programs/{programId}/commitments", "createCommitment")]
    [InlineData("post", "/api/programs/{programId}/commitments/preview", "previewCommitment")]
    [InlineData("post", "/api/providers/import/preview", "previewProviderImport")]
    [InlineData("post", "/api/providers/{id}/deactivate/preview", "previewProviderDeactivation")]
    [InlineData("get", "/api/programs/{id}/commitments", "listCommitments")]
    [InlineData("get", "/api/commitments/{id}", "getCommitment")]
    [InlineData("post", "/api/commitments/{id}/withdraw", "withdrawCommitment")]
    [InlineData("get", "/api/providers/{id}/slots", "listProviderSlots")]
    [InlineData("get", "/api/programs/{id}/slots", "searchFreeSlots")]
    [InlineData("post", "/api/appointments", "bookAppointment")]
    [InlineData("get", "/api/appointments", "listAppointments")]
    [InlineData("get", "/api/appointments/{id}", "getAppointment")]
    [InlineData("post", "/api/appointments/{id}/cancel", "cancelAppointment")]
    [InlineData("post", "/api/appointments/{id}/complete", "completeAppointment")]
    [InlineData("post", "/api/appointments/{id}/no-show", "markNoShow")]
    [InlineData("post", "/api/appointments/{id}/reschedule", "rescheduleAppointment")]
    [InlineData("get", "/api/programs/{id}/capacity", "getCapacity")]
    [InlineData("get", "/api/programs/{id}/capacity.csv", "exportCapacity")]
    [InlineData("get", "/api/providers/{id}/payments", "listProviderPayments")]
    [InlineData("get", "/api/programs/{id}/payments", "listProgramPayments")]
    [InlineData("get", "/api/programs/{id}/payment-moments", "listPaymentMoments")]
    [InlineData("get", "/api/programs/{id}/payments.csv", "exportPayments")]
    [InlineData("get", "/api/programs/{id}/payment-batches", "listPaymentBatches")]
    [InlineData("post", "/api/programs/{id}/payment-runs", "runPayments")]
    [InlineData("get", "/api/payment-batches/{id}", "getPaymentBatch")]
    [InlineData("get", "/api/payment-batches/{id}/remittance.csv", "getRemittance")]
    [InlineData("get", "/api/jobs", "listJobs")]
    [InlineData("get", "/api/audit", "listAudit")]
    [InlineData("post", "/api/providers/{id}/calendar-feed", "issueCalendarFeed")]
    [InlineData("get", "/calendar/feed.ics", "getCalendarFeed")]
    [InlineData("get", "/health/ready", "getReadiness")]
    public async Task Operation_ids_are_stable(string method, string path, string operationId)
    {
        var doc = await Document();
        Assert.Equal(operationId, (string?)doc["paths"]?[path]?[method]?["operationId"]);
    }

    [Fact]
    public async Task Every_operation_with_a_path_parameter_documents_404_as_problem_details()
    {
        var doc = await Document();
        var withPathParameter = Operations(doc)
            .Where(o => o.Operation["parameters"]?.AsArray().Any(p => (string?)p!["in"] == "path") == true)
            .ToList();
        Assert.NotEmpty(withPathParameter);
        foreach (var (path, method, operation) in withPathParameter)
        {
            var notFound = operation["responses"]?["404"];
            Assert.True(notFound is not null, $"{method.ToUpperInvariant()} {path} does not document 404");
            Assert.Equal("#/components/schemas/ProblemDetails", (string?)notFound!["content"]?["application/problem+json"]?["schema"]?["$ref"]);
            Assert.Contains("not-found", Strings(notFound["x-codes"]));
        }
    }

    [Theory]
    [InlineData("bookAppointment", "400", "invalid-request,malformed-request")]
    [InlineData("bookAppointment", "404", "not-found")]
    [InlineData("bookAppointment", "409", "slot-taken")]
    [InlineData("bookAppointment", "413", "payload-too-large")]
    [InlineData("bookAppointment", "415", "unsupported-media-type")]
    [InlineData("bookAppointment", "422", "not-a-committed-slot,in-the-past,modality-not-offered,idempotency-key-reused,program-closed")]
    [InlineData("rescheduleAppointment", "409", "slot-taken,invalid-transition")]
    [InlineData("rescheduleAppointment", "422", "not-a-committed-slot,in-the-past,modality-not-offered,program-closed")]
    [InlineData("cancelAppointment", "409", "invalid-transition")]
    [InlineData("createCommitment", "409", "already-committed")]
    [InlineData("createCommitment", "422", "outside-program,in-the-past,no-slots,provider-inactive,program-closed")]
    [InlineData("previewCommitment", "409", "already-committed")]
    [InlineData("previewCommitment", "422", "outside-program,in-the-past,no-slots,provider-inactive,program-closed")]
    [InlineData("previewProviderImport", "415", "unsupported-media-type")]
    [InlineData("previewProviderDeactivation", "409", "invalid-transition")]
    [InlineData("withdrawCommitment", "409", "invalid-transition,concurrent-update")]
    [InlineData("withdrawCommitment", "422", "in-the-past,outside-commitment,program-closed")]
    [InlineData("extendProgram", "409", "concurrent-update")]
    [InlineData("extendProgram", "422", "too-long,idempotency-key-reused,program-closed")]
    [InlineData("closeProgram", "409", "open-appointments,payments-outstanding,concurrent-update")]
    [InlineData("closeProgram", "422", "program-not-ended,program-closed")]
    [InlineData("cancelAppointment", "422", "program-closed")]
    [InlineData("setDemand", "422", "program-closed")]
    [InlineData("runPayments", "422", "program-closed")]
    [InlineData("enrollProvider", "409", "duplicate-npi")]
    [InlineData("listProviders", "400", "invalid-request,malformed-request")]
    [InlineData("getCapacity", "400", "invalid-request,malformed-request")]
    [InlineData("runPayments", "409", "concurrent-update")]
    [InlineData("listPrograms", "401", "unauthenticated")]
    [InlineData("listPrograms", "403", "forbidden")]
    [InlineData("listAudit", "400", "invalid-request,malformed-request")]
    [InlineData("listAudit", "403", "forbidden")]
    [InlineData("bookAppointment", "429", "rate-limited")]
    [InlineData("rescheduleAppointment", "429", "rate-limited")]
    public async Task Error_responses_list_exactly_the_codes_of_the_route(string operationId, string status, string codes)
    {
        var response = Operation(await Document(), operationId)["responses"]?[status];
        Assert.True(response is not null, $"{operationId} does not document {status}");
        var expected = codes.Split(',');
        Assert.Equal(expected.Order(), Strings(response!["x-codes"]).Order());
        Assert.Equal("#/components/schemas/ProblemDetails", (string?)response["content"]?["application/problem+json"]?["schema"]?["$ref"]);
        // Readers see the codes without knowing the extension.
        Assert.All(expected, code => Assert.Contains($"`{code}`", (string?)response["description"]));
    }

    [Theory]
    [InlineData("createProgram", "200,201,400,401,403,413,415")]
    [InlineData("listPrograms", "200,401,403")]
    [InlineData("getProgram", "200,401,403,404")]
    [InlineData("completeAppointment", "200,401,403,404,409,422")]
    [InlineData("getPaymentBatch", "200,401,403,404")]
    [InlineData("listJobs", "200,401,403")]
    [InlineData("listAudit", "200,400,401,403")]
    [InlineData("bookAppointment", "201,400,401,403,404,409,413,415,422,429")]
    public async Task Routes_document_no_error_they_cannot_give(string operationId, string allowed)
    {
        var responses = Operation(await Document(), operationId)["responses"]!.AsObject().Select(r => r.Key);
        Assert.Empty(responses.Except(allowed.Split(',')));
    }

    [Fact]
    public async Task Declared_codes_all_reach_the_document()
    {
        var doc = await Document();
        foreach (var (path, method, endpoint) in ApiEndpoints())
            foreach (var declared in endpoint.Metadata.GetOrderedMetadata<ErrorResponse>())
            {
                var listed = Strings(doc["paths"]![path]![method]!["responses"]?[declared.Status.ToString()]?["x-codes"]);
                Assert.All(declared.Codes, code => Assert.Contains(code, listed));
            }
    }

    [Fact]
    public async Task Problem_details_carry_a_required_code_and_the_errors_map()
    {
        var problem = Schema(await Document(), "ProblemDetails");
        Assert.Contains("code", Strings(problem["required"]));
        Assert.Equal("string", TypeOf(problem["properties"]!["code"]!.AsObject()));
        var errors = problem["properties"]!["errors"]!.AsObject();
        Assert.Equal("object", TypeOf(errors));
        Assert.Equal("array", TypeOf(errors["additionalProperties"]!.AsObject()));
        Assert.Equal("string", TypeOf(errors["additionalProperties"]!["items"]!.AsObject()));
        foreach (var member in new[] { "type", "title", "status", "detail", "instance" })
            Assert.NotNull(problem["properties"]![member]);
    }

    [Fact]
    public async Task Money_is_a_number_with_two_decimals_never_a_double()
    {
        var doc = await Document();
        Assert.DoesNotContain("\"double\"", doc.ToJsonString());

        (string Schema, string Property)[] money =
        [
            ("RatesBody", "session"), ("RatesBody", "premium"), ("RatesBody", "signingBonus"),
            ("RatesView", "session"), ("RatesView", "premium"), ("RatesView", "signingBonus"),
            ("PaymentView", "unitAmount"), ("PaymentView", "amount"), ("PaymentBatchView", "amount"), ("PaymentRunView", "amount"),
        ];
        foreach (var (schema, property) in money)
        {
            var field = Property(doc, schema, property);
            Assert.Equal("number", TypeOf(field));
            Assert.Equal(0.01m, (decimal)field["multipleOf"]!);
            Assert.Null(field["pattern"]);
        }
        foreach (var property in new[] { "session", "premium", "signingBonus" })
        {
            Assert.Equal(0m, (decimal)Property(doc, "RatesBody", property)["minimum"]!);
            Assert.Equal(1_000_000m, (decimal)Property(doc, "RatesBody", property)["maximum"]!);
        }

        var utilization = Property(doc, "CapacityFigures", "utilization");
        Assert.Equal(0.0001m, (decimal)utilization["multipleOf"]!);
        Assert.Equal(1m, (decimal)utilization["maximum"]!);
    }

    [Fact]
    public async Task Weekdays_are_the_seven_names_from_Monday()
    {
        var doc = await Document();
        string[] week = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        var payday = Property(doc, "PaymentMomentBody", "weekday");
        if ((string?)payday["$ref"] is { } reference) payday = Schema(doc, reference.Split('/')[^1]);
        foreach (var weekday in new[] { Property(doc, "CommitBody", "weekdays")["items"]!.AsObject(), payday,
                     Property(doc, "CommitmentView", "weekdays")["items"]!.AsObject() })
        {
            Assert.Equal("string", TypeOf(weekday));
            Assert.Equal(week, Strings(weekday["enum"]));
        }
    }

    [Theory]
    [InlineData("AppointmentView", "status", "booked,completed,no-show,cancelled,displaced,unresolved")]
    [InlineData("AppointmentView", "kind", "intake,follow-up")]
    [InlineData("BookBody", "kind", "intake,follow-up")]
    [InlineData("BookBody", "modality", "video,in-person,phone")]
    [InlineData("Enroll", "licenseType", "LMFT,LCSW,LPCC,LEP,PsyD,PhD,MD,DO,PMHNP")]
    [InlineData("ProviderView", "licenseType", "LMFT,LCSW,LPCC,LEP,PsyD,PhD,MD,DO,PMHNP")]
    [InlineData("CancelBody", "initiatedBy", "member,provider,plan")]
    [InlineData("CommitmentView", "status", "active,withdrawn")]
    [InlineData("PaymentView", "kind", "signing-bonus,advance,adjustment")]
    [InlineData("PaymentView", "status", "scheduled,released,cancelled")]
    [InlineData("ProviderSlotView", "status", "free,booked")]
    [InlineData("CapacityView", "by", "week,day")]
    public async Task String_fields_list_their_words(string schema, string property, string words)
    {
        var field = Property(await Document(), schema, property);
        var values = field["enum"]!.AsArray().Where(v => v is not null).Select(v => (string)v!);
        Assert.Equal(words.Split(','), values);
        // A field that may be null lets null through its enum too.
        Assert.Equal(Types(field).Contains("null"), field["enum"]!.AsArray().Any(v => v is null));
    }

    [Fact]
    public async Task List_fields_and_query_parameters_list_their_words_too()
    {
        var doc = await Document();
        Assert.Equal(["video", "in-person", "phone"], Strings(Property(doc, "Enroll", "modalities")["items"]!["enum"]));
        var by = Operation(doc, "getCapacity")["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "by")!;
        Assert.Equal(["week", "day"], Strings(by["schema"]!["enum"]));
    }

    [Fact]
    public async Task Local_dates_and_times_have_their_patterns()
    {
        var doc = await Document();
        var startsOn = Property(doc, "CommitBody", "startsOn");
        Assert.Equal("date", (string?)startsOn["format"]);
        Assert.Equal(@"^\d{4}-\d{2}-\d{2}$", (string?)startsOn["pattern"]);
        Assert.Equal(@"^\d{4}-\d{2}-\d{2}$", (string?)Property(doc, "CreateProgram", "holidays")["items"]!["pattern"]);

        foreach (var (schema, property) in new[] { ("CommitBody", "firstSlotAt"), ("PaymentMomentBody", "time"), ("PaymentMomentView", "time") })
        {
            var time = Property(doc, schema, property);
            Assert.Equal("string", TypeOf(time));
            Assert.Null(time["format"]);
            var pattern = new System.Text.RegularExpressions.Regex((string)time["pattern"]!);
            Assert.Matches(pattern, "09:00");
            Assert.Matches(pattern, "23:59");
            Assert.DoesNotMatch(pattern, "9:00");
            Assert.DoesNotMatch(pattern, "24:00");
            Assert.DoesNotMatch(pattern, "17:00:30");
            Assert.Equal("09:00", (string?)time["examples"]?[0]);
        }

        Assert.Equal("date-time", (string?)Property(doc, "AppointmentView", "start")["format"]);
    }

    [Theory]
    [InlineData("CreateProgram", "name,timeZone,startsOn,weeks,rates,payments", "sessionMinutes,holidays")]
    [InlineData("RatesBody", "session,premium,signingBonus,currency", "")]
    [InlineData("PaymentMomentBody", "weekday,time", "")]
    [InlineData("ExtendProgramBody", "weeks", "")]
    [InlineData("Enroll", "name,npi,licenseType,licenseNumber,email,region,modalities,languages", "")]
    [InlineData("CommitBody", "providerId,slotsPerDay,weekdays,firstSlotAt,startsOn,weeks", "excludedDates")]
    [InlineData("WithdrawBody", "effectiveOn,reason", "")]
    [InlineData("BookBody", "providerId,start,memberRef,kind", "previousVisitOn,modality")]
    [InlineData("CancelBody", "initiatedBy", "reason")]
    [InlineData("RescheduleBody", "providerId,start", "")]
    public async Task Required_request_fields_are_required_and_never_null(string schema, string required, string optional)
    {
        var doc = await Document();
        var expected = required.Split(',');
        Assert.Equal(expected.Order(), Strings(Schema(doc, schema)["required"]).Order());
        foreach (var name in expected)
        {
            var field = Property(doc, schema, name);
            Assert.DoesNotContain("null", Types(field));
            Assert.Null(field["oneOf"]);
        }
        foreach (var name in optional.Split(',', StringSplitOptions.RemoveEmptyEntries))
            Assert.NotNull(Property(doc, schema, name));
    }

    [Fact]
    public async Task Answers_keep_null_only_where_it_can_be_sent()
    {
        var doc = await Document();
        Assert.DoesNotContain("null", Types(Property(doc, "AppointmentView", "start")));
        Assert.Contains("null", Types(Property(doc, "AppointmentView", "followUpDueBy")));
        Assert.Contains("followUpDueBy", Strings(Schema(doc, "AppointmentView")["required"]));
    }

    [Fact]
    public async Task A_missing_required_field_still_reaches_the_validator()
    {
        // [Required] only describes; the validator still names the field in a 400.
        (await api.Post("/api/providers", new { name = "Leslie Hansen" })).ExpectValidation("npi");
        var program = await api.CreateProgram();
        var provider = await api.Enroll();
        (await api.Post($"/api/programs/{program.Id()}/commitments", new { providerId = provider.Id(), weeks = 2 }))
            .ExpectValidation("slotsPerDay");
    }

    [Theory]
    [InlineData("getRemittance")]
    [InlineData("exportCapacity")]
    [InlineData("exportPayments")]
    public async Task The_csv_files_are_documented_as_csv(string operationId)
    {
        var content = Operation(await Document(), operationId)["responses"]!["200"]!["content"]!.AsObject();
        Assert.Equal(["text/csv"], content.Select(c => c.Key));
    }

    [Fact]
    public async Task Idempotency_key_is_a_header_of_booking_and_extension()
    {
        var doc = await Document();
        foreach (var operationId in new[] { "bookAppointment", "extendProgram" })
        {
            var headers = Operation(doc, operationId)["parameters"]!.AsArray()
                .Where(p => (string?)p!["in"] == "header" && (string?)p["name"] == "Idempotency-Key").ToList();
            var header = Assert.Single(headers);
            Assert.NotEqual(true, (bool?)header!["required"]);
        }
    }

    [Fact]
    public async Task Readiness_documents_503()
    {
        var responses = Operation(await Document(), "getReadiness")["responses"]!.AsObject();
        Assert.Equal(["200", "503"], responses.Select(r => r.Key));
    }

    [Fact]
    public async Task Request_examples_send_every_required_field_and_no_null()
    {
        var doc = await Document();
        foreach (var schema in new[] { "CreateProgram", "ExtendProgramBody", "Enroll", "CommitBody", "WithdrawBody", "BookBody", "CancelBody", "RescheduleBody" })
        {
            var example = Schema(doc, schema)["examples"]?[0]?.AsObject();
            Assert.True(example is not null, $"{schema} has no example");
            Assert.All(Strings(Schema(doc, schema)["required"]), name => Assert.NotNull(example![name]));
            Assert.DoesNotContain("null", example!.ToJsonString());
        }
    }

    [Fact]
    public async Task Example_bodies_are_accepted_as_sent()
    {
        var doc = await Document();
        var program = await api.Post("/api/programs", Schema(doc, "CreateProgram")["examples"]![0]);
        Assert.Equal(HttpStatusCode.Created, program.Status);
        var provider = (await api.Post("/api/providers", Schema(doc, "Enroll")["examples"]![0])).Body;

        // Ids cannot be known ahead: the example's are replaced by the ones just made.
        var commitment = Schema(doc, "CommitBody")["examples"]![0]!.DeepClone().AsObject();
        commitment["providerId"] = provider.Id();
        (await api.Post($"/api/programs/{program.Body.Id()}/commitments", commitment)).Expect(HttpStatusCode.Created);

        var booking = Schema(doc, "BookBody")["examples"]![0]!.DeepClone().AsObject();
        booking["providerId"] = provider.Id();
        (await api.Post("/api/appointments", booking)).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_api_reference_reaches_nothing_off_site()
    {
        var html = await api.Http.GetStringAsync("/scalar/v1");
        Assert.Contains("\"agent\":{\"disabled\":true}", html);
        Assert.Contains("\"mcp\":{\"disabled\":true}", html);
        Assert.Contains("\"telemetry\":false", html);
        Assert.Contains("\"withDefaultFonts\":false", html);
        Assert.Contains("\"showDeveloperTools\":\"never\"", html);
        Assert.Contains("\"hideClientButton\":true", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
    }
}
