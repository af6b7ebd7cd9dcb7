using System.Linq.Expressions;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>The LINQ expression trees a formula hands out: the compiled lambda, and a block-free expression to splice.</summary>
[TestFixture]
public class ExpressionTreeTests
{
    public sealed record Point(double X, double Y, double A, double B);

    // fails on any block, and on any parameter that is not the caller's
    private sealed class Inspector(ParameterExpression allowed) : ExpressionVisitor
    {
        public List<string> Problems { get; } = [];

        protected override Expression VisitBlock(BlockExpression node)
        {
            Problems.Add("a BlockExpression");
            return base.VisitBlock(node);
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node != allowed)
            {
                Problems.Add($"a parameter of its own, `{node.Name}`");
            }

            return base.VisitParameter(node);
        }
    }


    [Test]
    public void ToExpression_RandomFormulasSplicedIntoCallersLambda_BlockFreeAndSameBits()
    {
        var p = Expression.Parameter(typeof(Point), "p");
        var points = new[] { new Point(0.9, -0.4, 1.3, 0.2), new Point(-2.5, 0.0, -0.0, 3.0), new Point(1e-300, 7.5, -1.25, 0.5) };
        for (var seed = 0; seed < 300; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed).Next(), ["x", "y", "a", "b"]);
            var body = formula.ToExpression(name => Expression.Property(p, char.ToUpperInvariant(name[0]).ToString()));
            var inspector = new Inspector(p);
            inspector.Visit(body);
            Assert.That(inspector.Problems, Is.Empty, $"seed {seed}: {formula}");
            var f = Expression.Lambda<Func<Point, double>>(body, p).Compile();
            foreach (var point in points)
            {
                var expected = formula.Evaluate(point.X, point.Y, point.A, point.B);
                Assert.That(Bits.Same(f(point), expected), Is.True, $"seed {seed}: {formula} at {point}: spliced {f(point):R}, Evaluate {expected:R}");
            }
        }
    }

    [TestCase("let u = x*y in u*u + u")]
    [TestCase("let u = sin(x) in let v = u**3 + u*y in v/u")]
    [TestCase("(x + y)**4 - (x - y)**-2")]
    public void ToExpression_LetsAndPowers_NoBlocksSameBits(string text)
    {
        var p = Expression.Parameter(typeof(Point), "p");
        var formula = Formula.Parse(text);
        var body = formula.ToExpression(name => Expression.Property(p, name.ToUpperInvariant()));
        var inspector = new Inspector(p);
        inspector.Visit(body);
        var f = Expression.Lambda<Func<Point, double>>(body, p).Compile();
        Assert.Multiple(() =>
        {
            Assert.That(inspector.Problems, Is.Empty);
            Assert.That(f(new Point(0.7, -1.9, 0, 0)), Is.EqualTo(formula.Evaluate(new Dictionary<string, double> { ["x"] = 0.7, ["y"] = -1.9 })));
        });
    }

    [Test]
    public void ToExpression_WhereOverQueryable_ExpectedRows()
    {
        var rows = Enumerable.Range(-5, 11).Select(i => new Point(i, i * 0.5, 0, 0)).ToList();
        var p = Expression.Parameter(typeof(Point), "p");
        var score = Formula.Parse("3*x**2 - 4*x + 5").ToExpression(name => Expression.Property(p, name.ToUpperInvariant()));
        var where = Expression.Lambda<Func<Point, bool>>(Expression.GreaterThan(score, Expression.Constant(40.0)), p);
        var selected = rows.AsQueryable().Where(where).Select(r => r.X).ToList();
        Assert.That(selected, Is.EqualTo(new[] { -5.0, -4.0, -3.0, 5.0 }), "3x² - 4x + 5 > 40 for integers in [-5, 5]");
    }

    [Test]
    public void ToExpression_DerivativeOfEachGradientComponent_Splices()
    {
        var p = Expression.Parameter(typeof(Point), "p");
        var formula = Formula.Parse("x**2*y + sin(y)");
        var gradient = formula.Gradient();
        var dx = Expression.Lambda<Func<Point, double>>(gradient[0].ToExpression(n => Expression.Property(p, n.ToUpperInvariant())), p).Compile();
        var dy = Expression.Lambda<Func<Point, double>>(gradient[1].ToExpression(n => Expression.Property(p, n.ToUpperInvariant())), p).Compile();
        var at = new Point(1.5, 0.25, 0, 0);
        Assert.Multiple(() =>
        {
            Assert.That(dx(at), Is.EqualTo(2 * 1.5 * 0.25));
            Assert.That(dy(at), Is.EqualTo((1.5 * 1.5) + Math.Cos(0.25)));
        });
    }

    [Test]
    public void ToExpressionTyped_WhatCompileCompiles_SameBitsAndNames()
    {
        var formula = Formula.Parse("let u = x*y in u**2 - sqrt(u)/y");
        var lambda = formula.ToExpression<Func<double, double, double>>();
        Assert.Multiple(() =>
        {
            Assert.That(lambda.Parameters.Select(q => q.Name), Is.EqualTo(new[] { "x", "y" }));
            Assert.That(lambda.Compile()(2.0, 3.0), Is.EqualTo(formula.Compile<Func<double, double, double>>()(2.0, 3.0)));
            Assert.That(lambda.Compile()(2.0, 3.0), Is.EqualTo(formula.Evaluate(2.0, 3.0)));
        });
    }

    [Test]
    public void ToExpression_ExponentialInlining_LimitError()
    {
        var text = "let a0 = x in " + string.Concat(Enumerable.Range(1, 40).Select(i => $"let a{i} = a{i - 1}*a{i - 1} + 1 in ")) + "a40";
        var error = Assert.Throws<FormulaException>(() => Formula.Parse(text).ToExpression(_ => Expression.Constant(1.0)))!;
        Assert.That(error.Message, Does.Contain("FormulaOptions.MaxCompiledNodes"));
    }

    [Test]
    public void ToExpression_ArgumentOfWrongType_ArgumentException() =>
        Assert.Throws<ArgumentException>(() => Formula.Parse("x + 1").ToExpression(_ => Expression.Constant(1)));
}
