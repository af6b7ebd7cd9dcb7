using System.Data.Common;
using BenchmarkDotNet.Attributes;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// The seed formula and its derivative summed over 1,000,000 rows: inside the database (DuckDB and SQLite, SQL
/// text; SQLite through EF Core's translation of <c>ToSelector</c>) against reading the column out and calling
/// <c>EvaluateBatch</c> (the baseline), in one process.
/// </summary>
[MemoryDiagnoser]
public class DatabaseBenchmarks
{
    private const int Count = 1_000_000;
    private readonly Formula seed = Formula.Parse("3*x**2 - 4*x + 5");
    private Formula formula = null!;
    private SqliteConnection sqlite = null!;
    private DuckDBConnection duck = null!;
    private Table db = null!;

    [Params("f", "f'")]
    public string Which { get; set; } = "f";

    [GlobalSetup]
    public void Setup()
    {
        formula = Which == "f" ? seed : seed.Derivative("x");
        sqlite = new SqliteConnection("Data Source=:memory:");
        sqlite.Open();
        db = new Table(new DbContextOptionsBuilder<Table>().UseSqlite(sqlite).Options);
        db.Database.EnsureCreated();
        Execute(sqlite, $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Count}) INSERT INTO Points (Id, X) SELECT i, (i % 2000) / 100.0 - 10 FROM n");
        duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        Execute(duck, $"CREATE TABLE Points AS SELECT i AS Id, CAST((i % 2000) / 100.0 - 10 AS DOUBLE) AS X FROM range(1, {Count + 1}) t(i)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        db.Dispose();
        sqlite.Dispose();
        duck.Dispose();
    }

    [Benchmark(Baseline = true)]
    public double SqliteReadThenEvaluateBatch() => ReadThenEvaluate(sqlite);

    [Benchmark]
    public double SqliteInDatabase() => Scalar(sqlite, $"SELECT sum({formula.ToString("SQL").Replace("\"x\"", "X", StringComparison.Ordinal)}) FROM Points");

    [Benchmark]
    public double SqliteEfCoreSelector() => db.Points.Select(formula.ToSelector<Point>()).Sum();

    [Benchmark]
    public double DuckDbReadThenEvaluateBatch() => ReadThenEvaluate(duck);

    [Benchmark]
    public double DuckDbInDatabase() => Scalar(duck, $"SELECT sum({formula.ToString("SQL").Replace("\"x\"", "X", StringComparison.Ordinal)}) FROM Points");

    private double ReadThenEvaluate(DbConnection connection)
    {
        var x = new double[Count];
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT X FROM Points ORDER BY Id";
            using var reader = command.ExecuteReader();
            for (var i = 0; reader.Read(); i++)
            {
                x[i] = reader.GetDouble(0);
            }
        }

        var y = new double[Count];
        formula.EvaluateBatch(x, y);
        return y.Sum();
    }

    private static double Scalar(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToDouble(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public sealed class Point
    {
        public int Id { get; set; }

        public double X { get; set; }
    }

    private sealed class Table(DbContextOptions<Table> options) : DbContext(options)
    {
        public DbSet<Point> Points => Set<Point>();
    }
}
