namespace Contingency.Tests.Slices;

using Contingency.Data;
using Contingency.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

public sealed class MigrationTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    [Fact]
    public async Task The_migrations_describe_the_whole_model()
    {
        app.Api(); // starts the host, which migrates
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a migration");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task The_quartz_job_store_lives_in_the_same_file()
    {
        app.Api();
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath}");
        await connection.OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'QRTZ_%' ORDER BY name";
        var tables = new List<string>();
        await using (var reader = await query.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Equal(Contingency.Data.Scheduling.QuartzSchema.Tables.Select(t => "QRTZ_" + t.Name).Order(StringComparer.Ordinal), tables);
    }
}
