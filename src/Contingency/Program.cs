using Microsoft.AspNetCore.HttpOverrides;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Contingency.Features.Audit;
using Contingency.Features.Booking;
using Contingency.Features.CalendarFeeds;
using Contingency.Features.Capacity;
using Contingency.Features.Commitments;
using Contingency.Features.Displaced;
using Contingency.Features.Fhir;
using Contingency.Features.Operations;
using Contingency.Features.Payments;
using Contingency.Features.Programs;
using Contingency.Features.Providers;
using Contingency.Features.Retention;
using Contingency.Features.Slots;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Audit;
using Contingency.Infrastructure.OpenApi;
using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.Telemetry;
using Contingency.Screens;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection.Extensions;

// Whatever the machine's locale, the service formats, parses and compares as the invariant culture.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

var isTokenCommand = args.FirstOrDefault() == TokenCommand.Name;
// `migrate`: apply the migrations and exit, for a release step that runs before the nodes start.
var isMigrateCommand = args.FirstOrDefault() == "migrate";
// `seed-demo`: fill an empty database with the demo program and exit.
var isSeedCommand = args.FirstOrDefault() == SeedDemo.Name;
if (isMigrateCommand || isSeedCommand) args = args[1..];
// The token command reads the configuration the service would (appsettings, environment, and
// --Key=Value arguments), so it finds the same key; its own options are not configuration.
var builder = WebApplication.CreateBuilder(isTokenCommand ? TokenCommand.ConfigurationArguments(args[1..]) : args);
if (isTokenCommand)
    return TokenCommand.Run(args[1..], builder.Configuration, builder.Environment, TimeProvider.System, Console.Out, Console.Error);
if ((Database.UnsupportedProvider(builder.Configuration) ?? Database.MigrateOnStartProblem(builder.Configuration)
        ?? Scheduling.ConfigurationProblem(builder.Configuration) ?? TelemetrySetup.ConfigurationProblem(builder.Configuration)
        ?? RetentionPolicy.ConfigurationProblem(builder.Configuration)) is { } unsupported)
{
    // A configuration mistake, not a crash: one line, no stack trace.
    Console.Error.WriteLine($"contingency: {unsupported}");
    return 2;
}

// The seed sends thousands of commands; its output is the summary, not a log line per command.
if (isSeedCommand) builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", "Warning")]);
builder.AddContingencyRedaction();
builder.AddContingencyTelemetry();
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddContingencyDatabase();
builder.Services.AddMediator(options =>
{
    // Handlers use the request's DbContext, so they live as long as the request.
    options.ServiceLifetime = ServiceLifetime.Scoped;
    options.PipelineBehaviors = [typeof(TelemetryBehavior<,>), typeof(ValidationBehavior<,>), typeof(ConnectionBehavior<,>), typeof(AuditBehavior<,>)];
});
ValidatorOptions.Global.PropertyNameResolver = (_, member, _) =>
    member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
ValidatorOptions.Global.DisplayNameResolver = (_, member, _) =>
    member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);

builder.Services.ConfigureHttpJsonOptions(o => JsonSetup.Configure(o.SerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
// Before AddProblemDetails: the first writer that takes a response writes it, and under /fhir errors are OperationOutcome.
builder.Services.AddFhir();
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailsHandler.AddCode);
builder.Services.AddSingleton(RetentionPolicy.From(builder.Configuration));
builder.Services.AddSingleton<RetentionMetrics>();
builder.Services.AddScoped<Idempotency>();
builder.Services.AddExceptionHandler<ProblemDetailsHandler>();
builder.Services.AddContingencyScheduler(builder.Configuration, builder.Environment);
builder.Services.AddContingencyHealth();
builder.Services.AddContingencyOpenApi();
builder.Services.AddContingencyAuthentication();
builder.Services.AddContingencyRateLimits();
// Static assets answer only the files the build listed: without this, a run from a build maps a catch-all
// GET for unlisted files, which turns a POST to an unknown /api path into 405 instead of 404.
builder.Configuration.AddInMemoryCollection([new("DisableStaticAssetNotFoundRuntimeFallback", "true")]);
builder.Services.AddContingencyScreens(builder.Configuration);

var app = builder.Build();
// The meter provider first, so that it listens when the metrics are made (the database's interceptor makes
// them with the first context): each payment-run outcome then starts at 0, and the gauges exist from the start.
_ = app.Services.GetService<OpenTelemetry.Metrics.MeterProvider>();
_ = app.Services.GetRequiredService<ContingencyMetrics>();
_ = app.Services.GetRequiredService<RetentionMetrics>();
if (isMigrateCommand)
{
    try
    {
        await app.Services.MigrateDatabaseAsync();
    }
    catch (DbException e)
    {
        // Unreachable, refused, or a statement failed: one line for the operator's job log, exit code 1 (the driver's message names no password).
        Console.Error.WriteLine($"contingency: the migrations could not be applied: {e.Message.ReplaceLineEndings(" ")}");
        return 1;
    }
    Console.WriteLine("contingency: the database is up to date.");
    return 0;
}
if (isSeedCommand)
    return await SeedDemo.RunAsync(app.Services, app.Configuration, Console.Out, Console.Error);
if (Authentication.ConfigurationProblem(app.Configuration, app.Environment) is { } authProblem)
{
    Console.Error.WriteLine($"contingency: {authProblem}");
    return 2;
}
Authentication.PrepareSigningKey(app.Services);

if (Database.MigrateOnStart(app.Configuration))
    await app.Services.MigrateDatabaseAsync();
else if (await app.Services.PendingMigrationsProblem() is { } pending)
{
    Console.Error.WriteLine($"contingency: {pending}");
    return 2;
}
await Scheduling.PrepareLockRowsAsync(app.Services);
await PaymentTriggers.SyncAllAsync(app.Services);
await RetentionJobs.SyncAsync(app.Services);

// Behind a proxy that ends TLS (deploy/k8s), its X-Forwarded-Proto/-For give the request's scheme and
// client: the sign-in cookie is then Secure and OpenID Connect's redirect_uri https. Off by default:
// on, any sender's headers are believed, so only a service reached through the proxy alone turns it on.
if (bool.TryParse(app.Configuration["Proxy:ForwardedHeaders"], out var forwarded) && forwarded)
{
    var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
    options.KnownIPNetworks.Clear();
    options.KnownProxies.Clear();
    app.UseForwardedHeaders(options);
}
app.UseManagementPort();
app.UseBookingOutcomes();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseBodySizeLimits();
app.UseNoNulCharacters();
app.UseAuthentication();
app.UseAuthorization();
app.UseCallers();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapContingencyOpenApi();
app.MapHealth();
app.MapMetrics();
app.MapPrograms();
app.MapProviders();
app.MapCommitments();
app.MapSlots();
app.MapBooking();
app.MapDisplaced();
app.MapCapacity();
app.MapPayments();
app.MapAudit();
app.MapRetention();
app.MapCalendarFeeds();
app.MapFhir();
app.MapContingencyScreens();
app.RequireRolesOnEveryRoute();

app.Run();
// 0, unless start-up found the service unusable after it began listening (Telemetry:ManagementPort as the only port).
return Environment.ExitCode;

public partial class Program;
