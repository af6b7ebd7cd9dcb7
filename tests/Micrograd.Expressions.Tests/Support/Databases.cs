using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;

namespace Micrograd.Expressions.Tests.Support;

/// <summary>A row of the test tables: an id and the values of the parameters a and b.</summary>
public sealed class Point
{
    public int Id { get; set; }

    public double A { get; set; }

    public double B { get; set; }
}

/// <summary>The EF Core model of the tests: one table of points.</summary>
internal sealed class PointsContext(DbContextOptions<PointsContext> options) : DbContext(options)
{
    public DbSet<Point> Points => Set<Point>();
}

/// <summary>The three databases: SQLite and DuckDB in-process, PostgreSQL as a throwaway local server.</summary>
internal static class Databases
{
    public const string PostgresInstall = "apt-get update && apt-get install -y postgresql";

    /// <summary>An EF Core context over an open connection, with the points written to table Points and to table raw ("id", "a", "b").</summary>
    public static PointsContext Fill(DbContextOptions<PointsContext> options, IReadOnlyList<double[]> points)
    {
        var db = new PointsContext(options);
        db.Database.EnsureDeleted();
        db.Database.EnsureCreated();
        db.Points.AddRange(points.Select((p, i) => new Point { Id = i + 1, A = p[0], B = p[1] }));
        db.SaveChanges();
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            connection.Open();
        }

        Execute(connection, "DROP TABLE IF EXISTS raw");
        Execute(connection, "CREATE TABLE raw (\"id\" INTEGER, \"a\" DOUBLE PRECISION, \"b\" DOUBLE PRECISION)");
        Insert(connection, points);
        return db;
    }

    /// <summary>Writes the points into table raw of a plain connection.</summary>
    public static void Insert(DbConnection connection, IReadOnlyList<double[]> points)
    {
        for (var i = 0; i < points.Count; i++)
        {
            Execute(connection, string.Create(CultureInfo.InvariantCulture,
                $"INSERT INTO raw VALUES ({i + 1}, CAST({points[i][0]:R} AS DOUBLE PRECISION), CAST({points[i][1]:R} AS DOUBLE PRECISION))"));
        }
    }

    public static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The values of a SQL expression over table raw, in id order (NaN for NULL).</summary>
    public static double[] Select(DbConnection connection, string expression)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {expression} FROM raw ORDER BY \"id\"";
        using var reader = command.ExecuteReader();
        var values = new List<double>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? double.NaN : Convert.ToDouble(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        return [.. values];
    }
}

/// <summary>
/// A PostgreSQL server of its own: initdb into a temporary folder, started on a free loopback port, removed at
/// the end. Null when PostgreSQL's programs are not installed.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    private readonly string directory;
    private readonly string bin;

    private PostgresServer(string bin, string directory, int port)
    {
        this.bin = bin;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>The folder of initdb and pg_ctl, or null.</summary>
    public static string? FindPrograms()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")) : []);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    public static PostgresServer? Start()
    {
        if (FindPrograms() is not { } bin)
        {
            return null;
        }

        var directory = Path.Combine(Path.GetTempPath(), $"mgx-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var server = new PostgresServer(bin, directory, port);
        var root = Environment.UserName == "root";
        if (root)
        {
            Run("chown", "postgres", directory);
        }

        server.Postgres("initdb", "-D", Path.Combine(directory, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C");
        server.Postgres("pg_ctl", "-D", Path.Combine(directory, "data"), "-w", "-l", Path.Combine(directory, "log"), "-o",
            $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        return server;
    }

    public void Dispose()
    {
        try
        {
            Postgres("pg_ctl", "-D", Path.Combine(directory, "data"), "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private void Postgres(string program, params string[] args)
    {
        var path = Path.Combine(bin, program);
        if (Environment.UserName == "root")
        {
            Run("runuser", ["-u", "postgres", "--", path, .. args]);
        }
        else
        {
            Run(path, args);
        }
    }

    private static void Run(string program, params string[] args) => Processes.Run(program, args);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
