namespace Contingency.Migrations.Sqlite;

using Contingency.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

/// <summary>Lets `dotnet ef migrations add` build the SQLite model without starting the service.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ContingencyDb>
{
    public ContingencyDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ContingencyDb>();
        SqliteProvider.Instance.Configure(options, "Data Source=design-time.db");
        return new ContingencyDb(options.Options);
    }
}
