using System.Linq.Dynamic.Core;
using DuckDB.NET.Data;
using Micrograd.Expressions.Syntax;
using Micrograd.Expressions.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// Formulas and their derivatives computed inside databases agree with <see cref="Formula.Evaluate(double[])"/>:
/// SQLite through EF Core (selectors and Dynamic LINQ strings) and raw SQL, DuckDB through raw SQL, and PostgreSQL
/// through EF Core and raw SQL on a throwaway server (skipped, with the install command, where PostgreSQL is absent).
/// </summary>
[TestFixture]
[Category(Categories.Database)]
[NonParallelizable]
public class DatabaseTests
{
    private static readonly double[] As = [-0.9, -0.4, -0.05, 0.05, 0.3, 0.7, 0.95];
    private static readonly double[] Bs = [0.2, 1.1, 1.7];

    private SqliteConnection sqlite = null!;
    private DuckDBConnection duck = null!;
    private PostgresServer? postgres;
    private string? postgresError;

    [OneTimeSetUp]
    public void Start()
    {
        sqlite = new SqliteConnection("Data Source=:memory:");
        sqlite.Open();
        duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        try
        {
            postgres = PostgresServer.Start();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            postgresError = $"PostgreSQL is installed but did not start: {e.Message}";
        }
    }

    [OneTimeTearDown]
    public void Stop()
    {
        sqlite.Dispose();
        duck.Dispose();
        postgres?.Dispose();
    }

    public enum Engine
    {
        Sqlite,
        DuckDb,
        PostgreSql,
    }

    private DbContextOptions<PointsContext>? Options(Engine engine) => engine switch
    {
        Engine.Sqlite => new DbContextOptionsBuilder<PointsContext>().UseSqlite(sqlite).Options,
        Engine.PostgreSql => new DbContextOptionsBuilder<PointsContext>().UseNpgsql(Postgres().ConnectionString.Replace("Database=postgres", "Database=mgx", StringComparison.Ordinal)).Options,
        _ => null,
    };

    private PostgresServer Postgres()
    {
        if (postgresError is not null)
        {
            Assert.Fail(postgresError);
        }

        if (postgres is null)
        {
            Assert.Ignore($"PostgreSQL is not installed here (no initdb and pg_ctl); install it with `{Databases.PostgresInstall}` (.ci/run does)");
        }

        return postgres!;
    }

    // the values of each formula at each point, computed in the database in every way it offers
    private List<(string How, Formula Formula, double[] Values)> Compute(Engine engine, IReadOnlyList<Formula> formulas, IReadOnlyList<double[]> points)
    {
        var results = new List<(string, Formula, double[])>();
        if (engine == Engine.DuckDb)
        {
            Databases.Execute(duck, "DROP TABLE IF EXISTS raw");
            Databases.Execute(duck, "CREATE TABLE raw (\"id\" INTEGER, \"a\" DOUBLE PRECISION, \"b\" DOUBLE PRECISION)");
            Databases.Insert(duck, points);
            results.AddRange(formulas.Select(f => ("DuckDB SQL", f, Databases.Select(duck, f.ToString("SQL")))));
            return results;
        }

        using var db = Databases.Fill(Options(engine)!, points);
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            connection.Open();
        }

        foreach (var f in formulas)
        {
            var selector = f.ToSelector<Support.Point>();
            var query = db.Points.OrderBy(p => p.Id).Select(selector);
            var sql = query.ToQueryString();
            if (f.Core is not Variable && FreeNames.Of(f.Core).Count > 0)
            {
                Assert.That(sql[..sql.IndexOf("FROM", StringComparison.Ordinal)], Does.Match(@"\w\(|CASE|[*/+-]"),
                    $"{engine}: {f} was not written into the SQL (client evaluation?):\n{sql}");
            }

            results.Add(($"{engine} EF Core", f, [.. query]));
            // ordering by the formula cannot be evaluated on the client: it runs in the database or throws
            Assert.That(db.Points.OrderBy(selector).Select(p => p.Id).Count(), Is.EqualTo(points.Count));
            results.Add(($"{engine} SQL", f, Databases.Select(connection, f.ToString("SQL"))));
        }

        return results;
    }

    private static void Agree(IEnumerable<(string How, Formula Formula, double[] Values)> results, IReadOnlyList<double[]> points)
    {
        foreach (var (how, f, values) in results)
        {
            Assert.That(values, Has.Length.EqualTo(points.Count), $"{how}: {f}");
            for (var k = 0; k < points.Count; k++)
            {
                var p = f.Parameters.Select(n => n == "a" ? points[k][0] : points[k][1]).ToArray();
                var expected = f.Evaluate(p);
                var tolerance = 1e-12 * Math.Max(1, Math.Max(Math.Abs(expected), Magnitude(f, p)));
                Assert.That(Math.Abs(values[k] - expected) <= tolerance || values[k].Equals(expected), Is.True,
                    $"{how}: {f} at a={points[k][0]:R}, b={points[k][1]:R}: database {values[k]:R}, Evaluate {expected:R}\nSQL: {f.ToString("SQL")}");
            }
        }
    }

    // the largest intermediate value of a formula at a point: a sum near 0 of large terms keeps only their absolute accuracy
    private static double Magnitude(Formula f, double[] p) =>
        Nodes.Walk(Inliner.Inline(f.Core)).Select(n => Math.Abs(Compilation.Interpreter.Evaluate(n, f.Parameters, p))).Where(double.IsFinite).DefaultIfEmpty(0).Max();

    // true when every part of the formula is finite at every point: databases raise errors (or give NULL) where IEEE gives NaN
    private static bool FiniteEverywhere(Formula f, IReadOnlyList<double[]> points) =>
        points.All(q =>
        {
            var p = f.Parameters.Select(n => n == "a" ? q[0] : q[1]).ToArray();
            return Nodes.Walk(Inliner.Inline(f.Core)).All(n => double.IsFinite(Compilation.Interpreter.Evaluate(n, f.Parameters, p)));
        });

    private static IEnumerable<Formula> EveryBuiltIn() =>
        Function.Table.Select(f => Formula.Parse(f.Arity switch
        {
            0 => $"{f.Name}*a + b",
            1 => $"{f.Name}(a)*b",
            _ => $"{f.Name}(a, b)",
        }));

    [Test]
    public void Database_EveryBuiltInFunction_ValueAndDerivativeAsEvaluate([Values] Engine engine)
    {
        if (engine == Engine.PostgreSql)
        {
            Postgres();
        }

        foreach (var f in EveryBuiltIn())
        {
            var points = As.SelectMany(a => Bs.Select(b => new[] { a, b })).ToList();
            var formulas = new[] { f, f.Derivative("a") };
            var usable = points.Where(p => formulas.All(g => FiniteEverywhere(g, [p]))).ToList();
            Assert.That(usable, Is.Not.Empty, $"no point in the domain of {f}");
            Agree(Compute(engine, formulas, usable), usable);
        }
    }

    [Test]
    public void Database_RandomFormulasAndDerivatives_ValueAsEvaluate([Values] Engine engine)
    {
        if (engine == Engine.PostgreSql)
        {
            Postgres();
        }

        var random = new Random(16);
        var points = Enumerable.Range(0, 5).Select(_ => new[] { 0.1 + (0.9 * random.NextDouble()), 0.1 + (0.9 * random.NextDouble()) }).ToList();
        var formulas = Enumerable.Range(0, 200)
            .Select(seed => Formula.FromTree(new RandomTrees(seed, ["a", "b"], zeros: false).Next(3), ["a", "b"]))
            .SelectMany(f => new[] { f, f.Derivative("a") })
            .Where(f => FiniteEverywhere(f, points) && f.Core is not Number)
            .ToList();
        Assert.That(formulas, Has.Count.GreaterThan(200), "most random formulas and derivatives are finite at the points");
        Agree(Compute(engine, formulas, points), points);
    }

    // random formulas with nested negations, unary minus at every position and signed zeros (the SQL dialect's
    // property test; formulas with a non-finite value anywhere are left to Sql_Constant_*, as databases refuse them)
    [Test]
    public void Sql_HostileRandomFormulas_AsEvaluate([Values] Engine engine)
    {
        if (engine == Engine.PostgreSql)
        {
            Postgres();
        }

        var points = new List<double[]> { new[] { 0.7, 0.3 }, new[] { -0.4, 1.3 }, new[] { 0.0, 0.9 } };
        var formulas = Enumerable.Range(0, 300)
            .Select(seed => Formula.FromTree(HostileTrees.Next(seed, ["a", "b"], nonFinite: false, depth: 3), ["a", "b"]))
            .Where(f => FiniteEverywhere(f, points))
            .Where(f => !Nodes.Walk(f.Core).Any(n => n is Number { Value: var v } && v != 0 && Math.Abs(v) < 1e-300)) // PostgreSQL refuses underflow
            .ToList();
        Assert.That(formulas, Has.Count.GreaterThan(100), "most hostile formulas are finite at the points");
        AgreeInSql(engine, formulas, points, bits: false);
    }

    [TestCase("sin(a)*cos(b) + exp(a/b)")]
    [TestCase("sqrt(a**2 + b**2) - log(b)")]
    [TestCase("atan2(a, b) + pow(b, a) + abs(a - b)")]
    [TestCase("3*a**2 - 4*a + 5")]
    public void EfCore_DynamicLinqString_TranslatedAndAsEvaluate(string text)
    {
        foreach (var engine in new[] { Engine.Sqlite, Engine.PostgreSql }.Where(e => e == Engine.Sqlite || postgres is not null))
        {
            DynamicLinq(engine, text);
        }
    }

    private void DynamicLinq(Engine engine, string text)
    {
        var f = Formula.Parse(text);
        var points = new List<double[]> { new[] { 0.3, 1.2 }, new[] { -0.7, 0.4 }, new[] { 0.9, 2.5 } };
        using var db = Databases.Fill(Options(engine)!, points);
        foreach (var g in new[] { f, f.Derivative("a") })
        {
            var query = db.Points.OrderBy(p => p.Id).Select(g.ToString("DynamicLinq"));
            var sql = query.ToQueryString();
            Assert.That(sql[..sql.IndexOf("FROM", StringComparison.Ordinal)], Does.Match(@"\w\(|[*/+-]"), $"{g}: {sql}");
            var values = query.ToDynamicList<double>();
            Agree([($"{engine} Dynamic LINQ", g, [.. values])], points);
        }
    }

    [Test]
    public void Sqlite_OrderByDerivative_RowsInTheOrderOfTheirSlopes()
    {
        var f = Formula.Parse("3*a**2 - 4*a + 5 + b");
        var points = new List<double[]> { new[] { 2.0, 0.0 }, new[] { -1.0, 0.0 }, new[] { 0.5, 0.0 }, new[] { 3.0, 0.0 } };
        using var db = Databases.Fill(Options(Engine.Sqlite)!, points);
        var ids = db.Points.OrderByDescending(f.Derivative("a").ToSelector<Support.Point>()).Select(p => p.Id).ToList();
        Assert.That(ids, Is.EqualTo(new[] { 4, 1, 3, 2 }), "slopes 6a - 4: 14, 8, -1, -10");
    }

    [Test]
    public void Selector_ParameterWithoutMember_NameErrorListingMembers()
    {
        var error = Assert.Throws<FormulaException>(() => Formula.Parse("a*c").ToSelector<Support.Point>())!;
        Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Name));
        Assert.That(error.Message, Does.Contain("`c`").And.Contain("Id, A, B"));
    }

    [Test]
    public void Selector_ComputedColumn_UsedForItsParameter()
    {
        var selector = Formula.Parse("a*scale").ToSelector(new Dictionary<string, System.Linq.Expressions.Expression<Func<Support.Point, double>>>
        {
            ["scale"] = p => p.B * 10,
        }).Compile();
        Assert.That(selector(new Support.Point { A = 2, B = 3 }), Is.EqualTo(60));
    }

    [Test]
    public void Sql_Dialect_MgxDiffFormatSql()
    {
        var (code, output, error) = Mgx.Run("diff", "3*x**2 - 4*x + 5", "--format", "sql");
        Assert.That((code, output), Is.EqualTo((0, "CAST(6 AS DOUBLE PRECISION) * \"x\" - CAST(4 AS DOUBLE PRECISION)\n")), error);
    }

    [Test]
    public void Where_SplicedComparison_FiltersInTheDatabase()
    {
        var points = Enumerable.Range(-5, 11).Select(i => new[] { (double)i, 0.0 }).ToList();
        using var db = Databases.Fill(Options(Engine.Sqlite)!, points);
        var selector = Formula.Parse("3*a**2 - 4*a + 5").ToSelector<Support.Point>();
        var filter = System.Linq.Expressions.Expression.Lambda<Func<Support.Point, bool>>(
            System.Linq.Expressions.Expression.GreaterThan(selector.Body, System.Linq.Expressions.Expression.Constant(40.0)), selector.Parameters);
        var query = db.Points.Where(filter).OrderBy(p => p.Id).Select(p => p.A);
        Assert.That(query.ToQueryString(), Does.Contain("WHERE"));
        Assert.That(query.ToList(), Is.EqualTo(new[] { -5.0, -4, -3, 5 }));
    }

    [Test]
    public void Selector_HostDotNetFunction_RefusedNamingIt()
    {
        var context = FormulaContext.Default.WithFunction("erf(x)", (Func<double, double>)Math.Tanh, "1 - erf(x)**2");
        var error = Assert.Throws<FormulaException>(() => Formula.Parse("erf(a) + b", context).ToSelector<Support.Point>())!;
        Assert.That(error.Message, Does.Contain("`erf(x)`").And.Contain("no database"));
        var defined = FormulaContext.Default.WithFunction("softplus(x) = log(1 + exp(x))");
        var selector = Formula.Parse("softplus(a) + b", defined).ToSelector<Support.Point>();
        Assert.That(selector.Compile()(new Support.Point { A = 0, B = 1 }), Is.EqualTo(Math.Log(2) + 1).Within(1e-15), "a formula-defined function is written out");
    }

    // SQL text run as it is, on a raw connection of the engine: one value per row of table raw (points a, b)
    private double[][] RawSql(Engine engine, IReadOnlyList<string> expressions, IReadOnlyList<double[]> points)
    {
        System.Data.Common.DbConnection connection = engine switch
        {
            Engine.Sqlite => sqlite,
            Engine.DuckDb => duck,
            _ => new Npgsql.NpgsqlConnection(Postgres().ConnectionString),
        };
        try
        {
            if (connection.State != System.Data.ConnectionState.Open)
            {
                connection.Open();
            }

            Databases.Execute(connection, "DROP TABLE IF EXISTS raw");
            Databases.Execute(connection, "CREATE TABLE raw (\"id\" INTEGER, \"a\" DOUBLE PRECISION, \"b\" DOUBLE PRECISION)");
            Databases.Insert(connection, points);
            return [.. expressions.Select(e => Databases.Select(connection, e))];
        }
        finally
        {
            if (engine == Engine.PostgreSql)
            {
                connection.Dispose();
            }
        }
    }

    // values of formulas over a and b in the database's SQL, against Evaluate: the same bits where bits is set
    private void AgreeInSql(Engine engine, IReadOnlyList<Formula> formulas, IReadOnlyList<double[]> points, bool bits)
    {
        var values = RawSql(engine, [.. formulas.Select(f => f.ToString("SQL"))], points);
        for (var i = 0; i < formulas.Count; i++)
        {
            var sql = formulas[i].ToString("SQL");
            Assert.That(sql, Does.Not.Contain("--"), $"{formulas[i]}: a line comment in {sql}");
            for (var k = 0; k < points.Count; k++)
            {
                var p = formulas[i].Parameters.Select(n => n == "a" ? points[k][0] : points[k][1]).ToArray();
                var expected = formulas[i].Evaluate(p);
                var actual = values[i][k];
                var close = bits ? Bits.Same(expected, actual) : Close.Enough(expected, actual, 1e-12 * Math.Max(1, Magnitude(formulas[i], p)));
                Assert.That(close, Is.True,
                    $"{engine}: {formulas[i]} at a={points[k][0]:R}, b={points[k][1]:R}: database {Bits.Show(actual)}, Evaluate {Bits.Show(expected)}\nSQL: {sql}");
            }
        }
    }

    private static readonly List<double[]> Few = [[0.7, 0.3], [-0.4, 1.3], [0.2, -0.9]];

    // an argument spliced next to an operator of a template is parenthesised: cbrt(a - b) is not -power(-a - b, 1/3)
    [TestCase("cbrt(a - b)")]
    [TestCase("cbrt(-a)")]
    [TestCase("cbrt(b - a) - cbrt(-(a - b))")]
    [TestCase("sigmoid(-a) + sigmoid(a - b)")]
    [TestCase("relu(a - b) - relu(-b)")]
    [TestCase("heaviside(b - a) + heaviside(-a)")]
    [TestCase("min(a - b, -a) + max(-a, b - a)")]
    [TestCase("let u = -a in -cbrt(-u) - relu(-u)")]
    public void Sql_TemplateArgumentBesideAnOperator_AsEvaluate(string text)
    {
        foreach (var engine in Enum.GetValues<Engine>().Where(e => e != Engine.PostgreSql || postgres is not null))
        {
            AgreeInSql(engine, [Formula.Parse(text)], Few, bits: false);
        }
    }

    // two minus signs never touch (-- starts a line comment); a negation is -1 * u, exact, so zeros keep their sign
    [TestCase("let u = -a in -u")]
    [TestCase("let u = -a in let v = -u in -v*b")]
    [TestCase("let u = -a in b - -u")]
    [TestCase("let u = -a in -(u - -b)")]
    [TestCase("-a*-b")]
    public void Sql_NestedNegation_NoLineCommentAndOurBits(string text)
    {
        // (no -0.0 among the points: SQLite stores a REAL column's -0.0 as the integer 0)
        var points = new List<double[]> { new[] { 1.5, -0.25 }, new[] { 0.0, 0.0 }, new[] { 0.0, 2.0 } };
        foreach (var engine in Enum.GetValues<Engine>().Where(e => e != Engine.PostgreSql || postgres is not null))
        {
            AgreeInSql(engine, [Formula.Parse(text)], points, bits: true);
        }
    }

    private static readonly double[] Constants =
    [
        0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon, -double.Epsilon,
        2.2250738585072009e-308, double.MaxValue, -double.MaxValue, 9007199254740994, 18014398509481988, 1e20, 0.1,
        0.30000000000000004, 1e-5,
    ];

    // each constant read back by each database to the engine's bits (NaN is NULL in SQLite, which has no NaN)
    [Test]
    public void Sql_Constant_ReadsBackToTheSameBits([Values] Engine engine, [ValueSource(nameof(Constants))] double value)
    {
        if (engine == Engine.PostgreSql)
        {
            Postgres();
        }

        var c = new Number(value);
        var a = new Variable("a");
        var forms = new Expr[]
        {
            new Product([a, c]),
            new Sum([a, new Product([new Number(0.0), a]), c]),
            new Sum([a, new Product([Syntax.Exact.MinusOne, c])]),
            new Product([Syntax.Exact.MinusOne, new Sum([c, new Product([new Number(0.0), a])])]),
        }.Select(e => Formula.FromTree(e, ["a"])).ToList();
        AgreeInSql(engine, forms, [[1.0, 1.0]], bits: true);
    }

    // a formula-defined function of the host: no database knows it, so its body is written out
    [TestCase("hyp(a, b) + a")]
    [TestCase("twice(hyp(a, -b)) - hyp(b, a)")]
    [TestCase("twice(twice(a - b))")]
    public void Sql_DefinedFunction_WrittenOutAsEvaluate(string text)
    {
        var context = FormulaContext.Default.WithFunction("hyp(x, y) = sqrt(x**2 + y**2)").WithFunction("twice(u) = -hyp(u, -u) - u");
        var f = Formula.Parse(text, context);
        Assert.That(f.ToString("SQL"), Does.Not.Contain("hyp(").And.Not.Contain("twice("));
        foreach (var engine in Enum.GetValues<Engine>().Where(e => e != Engine.PostgreSql || postgres is not null))
        {
            AgreeInSql(engine, [f], Few, bits: false);
        }
    }

    // every name is double-quoted, so SQL keywords are column names
    [TestCase("select + from*where - \"group\"")]
    [TestCase("case*end + order - null + Math")]
    public void Sql_KeywordAsName_QuotedAndAsEvaluate(string text)
    {
        var f = Formula.Parse(text.Replace("\"", "", StringComparison.Ordinal));
        var values = f.Parameters.Select((_, i) => 0.5 + i).ToArray();
        var columns = string.Join(", ", f.Parameters.Select((p, i) => FormattableString.Invariant($"CAST({values[i]} AS DOUBLE PRECISION) AS \"{p}\"")));
        foreach (var engine in Enum.GetValues<Engine>().Where(e => e != Engine.PostgreSql || postgres is not null))
        {
            var actual = RawSql(engine, [$"(SELECT {f.ToString("SQL")} FROM (SELECT {columns}) AS t)"], [[0, 0]])[0][0];
            Assert.That(Bits.Same(f.Evaluate(values), actual), Is.True, $"{engine}: {f.ToString("SQL")} gave {Bits.Show(actual)}");
        }
    }
}
