namespace Contingency.Migrations.Sqlite;

using Contingency.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

/// <summary>Lets `dotnet ef migrations add` build the SQLite model without starting the service.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ContingencyDb>
{
    public ContingencyDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ContingencyDb>()
            .UseSqlite("Data Source=design-time.db", o => o.MigrationsAssembly(typeof(DesignTimeFactory).Assembly.GetName().Name))
            .Options);
}
