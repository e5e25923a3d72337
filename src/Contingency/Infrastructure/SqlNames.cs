namespace Contingency.Infrastructure;

using Contingency.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

/// <summary>
/// Table and column names from EF's model, quoted by the provider in use: the few set-based
/// statements EF cannot express (an <c>INSERT … SELECT</c>) name what the model names, the same way
/// on every database.
/// </summary>
public static class SqlNames
{
    public static string Table<TEntity>(this ContingencyDb db)
    {
        var type = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        return db.GetService<ISqlGenerationHelper>().DelimitIdentifier(type.GetTableName()!, type.GetSchema());
    }

    public static string Column<TEntity>(this ContingencyDb db, string property)
    {
        var column = db.Model.FindEntityType(typeof(TEntity))?.FindProperty(property)?.GetColumnName()
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{property} is not in the model.");
        return db.GetService<ISqlGenerationHelper>().DelimitIdentifier(column);
    }
}
