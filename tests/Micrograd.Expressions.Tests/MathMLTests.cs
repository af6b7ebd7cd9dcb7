using System.Globalization;
using System.Xml.Linq;
using Micrograd.Expressions.Syntax;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// The MathML dialect: well-formed XML whose nesting is the tree's. The oracle is a reader of presentation
/// markup written here (its own precedences: a row's terms, factors and signs, fences, fractions, powers, roots,
/// applied functions), so a formula and its markup give the same value.
/// </summary>
[TestFixture]
public class MathMLTests
{
    private static readonly string[] Parameters = ["x", "y", "a", "b"];

    private static readonly double[][] Points = [[0.7, -0.3, 1.4, 0.25], [-2.5, 0.5, 1.5, 3.0]];

    [TestCase("3*x**2 - 4*x + 5", "<mrow><mrow><mn>3</mn><mo>&#x22C5;</mo><msup><mi>x</mi><mn>2</mn></msup></mrow><mo>-</mo><mrow><mn>4</mn><mo>&#x22C5;</mo><mi>x</mi></mrow><mo>+</mo><mn>5</mn></mrow>")]
    [TestCase("sin(x)/x", "<mrow><mfrac><mrow><mi>sin</mi><mo>&#x2061;</mo><mrow><mo>(</mo><mi>x</mi><mo>)</mo></mrow></mrow><mi>x</mi></mfrac></mrow>")]
    [TestCase("sqrt(x**2 + y**2)", "<msqrt><mrow><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><msup><mi>y</mi><mn>2</mn></msup></mrow></msqrt>")]
    [TestCase("2*-x", "<mrow><mn>2</mn><mo>&#x22C5;</mo><mrow><mo>(</mo><mrow><mo>-</mo><mi>x</mi></mrow><mo>)</mo></mrow></mrow>")]
    [TestCase("(x + 1)**2", "<msup><mrow><mo>(</mo><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow><mo>)</mo></mrow><mn>2</mn></msup>")]
    [TestCase("exp(-x)*1e-06", "<mrow><msup><mi>e</mi><mrow><mo>-</mo><mi>x</mi></mrow></msup><mo>&#x22C5;</mo><mrow><mn>1</mn><mo>&#xD7;</mo><msup><mn>10</mn><mrow><mo>-</mo><mn>6</mn></mrow></msup></mrow></mrow>")]
    [TestCase("w_2*alpha", "<mrow><msub><mi>w</mi><mi>2</mi></msub><mo>&#x22C5;</mo><mi mathvariant=\"italic\">alpha</mi></mrow>")]
    [TestCase("let u = -x in 2 - u", "<mrow><mn>2</mn><mo>-</mo><mrow><mo>(</mo><mrow><mo>-</mo><mi>x</mi></mrow><mo>)</mo></mrow></mrow>")]
    [TestCase("abs(x) + log(x) + pi", "<mrow><mrow><mo>|</mo><mi>x</mi><mo>|</mo></mrow><mo>+</mo><mrow><mi>ln</mi><mo>&#x2061;</mo><mrow><mo>(</mo><mi>x</mi><mo>)</mo></mrow></mrow><mo>+</mo><mi>&#x3C0;</mi></mrow>")]
    public void MathML_Formula_WritesPresentationMarkup(string text, string expected)
    {
        var actual = Formula.Parse(text).ToString("MathML");
        Assert.That(actual, Is.EqualTo($"<math xmlns=\"http://www.w3.org/1998/Math/MathML\">{expected}</math>"), $"{text} as MathML");
    }

    [Test]
    public void MathML_Derivative_IsTheSeedsSlope()
    {
        var text = Formula.Parse("3*x**2 - 4*x + 5").Derivative("x").ToString("MathML");
        Assert.That(text, Is.EqualTo("<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mrow><mrow><mn>6</mn><mo>&#x22C5;</mo><mi>x</mi></mrow><mo>-</mo><mn>4</mn></mrow></math>"), text);
    }

    // random formulas with nested negations and signed zeros: the markup parses as XML and reads back to our value
    [Test]
    public void MathML_HostileRandomFormulas_WellFormedAndReadsBackToOurValue()
    {
        Assert.Multiple(() =>
        {
            for (var seed = 0; seed < 400; seed++)
            {
                var f = Formula.FromTree(HostileTrees.Next(seed, Parameters, nonFinite: false), Parameters);
                var text = f.ToString("MathML");
                XElement math;
                try
                {
                    math = XElement.Parse(text);
                }
                catch (System.Xml.XmlException e)
                {
                    Assert.Fail($"seed {seed}: {f} as {text} is not XML: {e.Message}");
                    continue;
                }

                Assert.That(text, Does.Not.Contain("<mo>-</mo><mo>-</mo>"), $"seed {seed}: {f}: two minus signs touch in {text}");
                foreach (var p in Points)
                {
                    var expected = f.Evaluate(p);
                    var actual = MarkupReader.Value(math, Parameters.Zip(p).ToDictionary(t => t.First, t => t.Second));
                    Assert.That(Close.Enough(expected, actual, 1e-9) || (double.IsNaN(expected) && double.IsNaN(actual)), Is.True,
                        $"seed {seed}: {f} as {text} at ({string.Join(", ", p)}): ours {Bits.Show(expected)}, the markup {Bits.Show(actual)}");
                }
            }
        });
    }

    [Test]
    public void MathML_UnknownFormatCase_IsAccepted()
    {
        Assert.That(Formula.TryParseDialect("mathml", out var dialect) && dialect == Dialect.MathML, Is.True, $"mathml read as {dialect}");
    }

    // A reader of the presentation markup the dialect writes: a row is terms and signs, a term factors joined by
    // a dot or a cross, a factor a signed atom; fences, fractions, powers, roots and applied names are atoms.
    private static class MarkupReader
    {
        public static double Value(XElement e, IReadOnlyDictionary<string, double> at) => e.Name.LocalName switch
        {
            "math" or "mrow" => Row([.. e.Elements()], at),
            "mn" => double.Parse(e.Value, CultureInfo.InvariantCulture),
            "mi" => Name(e.Value, at),
            "msup" => Math.Pow(Value(Child(e, 0), at), Value(Child(e, 1), at)),
            "mfrac" => Value(Child(e, 0), at) / Value(Child(e, 1), at),
            "msqrt" => Math.Sqrt(Row([.. e.Elements()], at)),
            "mroot" => Value(Child(e, 1), at) == 3 ? Math.Cbrt(Value(Child(e, 0), at)) : throw new FormatException(e.ToString()),
            "msub" => Name(string.Concat(Child(e, 0).Value, "_", Child(e, 1).Value), at),
            _ => throw new FormatException($"unexpected element {e}"),
        };

        private static XElement Child(XElement e, int i) => e.Elements().ElementAt(i);

        private static double Name(string name, IReadOnlyDictionary<string, double> at) =>
            at.TryGetValue(name, out var v) ? v : name switch
            {
                "\u03C0" => Math.PI,
                "e" => Math.E,
                "\u221E" => double.PositiveInfinity,
                "NaN" => double.NaN,
                _ => throw new FormatException($"unknown name {name}"),
            };

        private static bool Is(XElement e, string op) => e.Name.LocalName == "mo" && e.Value == op;

        private static double Row(List<XElement> items, IReadOnlyDictionary<string, double> at)
        {
            var i = 0;
            var value = Sum(items, ref i, at);
            return i == items.Count ? value : throw new FormatException($"left over at {i}: {string.Concat(items)}");
        }

        private static double Sum(List<XElement> items, ref int i, IReadOnlyDictionary<string, double> at)
        {
            var value = Term(items, ref i, at);
            while (i < items.Count && (Is(items[i], "+") || Is(items[i], "-")))
            {
                var minus = Is(items[i++], "-");
                var term = Term(items, ref i, at);
                value = minus ? value - term : value + term;
            }

            return value;
        }

        private static double Term(List<XElement> items, ref int i, IReadOnlyDictionary<string, double> at)
        {
            var value = Signed(items, ref i, at);
            while (i < items.Count && (Is(items[i], "\u22C5") || Is(items[i], "\u00D7")))
            {
                if (Is(items[i++], "\u00D7"))
                {
                    // the cross only joins a mantissa and a power of ten: read back as the number's text, as 10^-324 underflows
                    var exponent = Value(Child(items[i++], 1), at);
                    value = double.Parse(string.Create(CultureInfo.InvariantCulture, $"{value:R}e{exponent:R}"), CultureInfo.InvariantCulture);
                }
                else
                {
                    value *= Signed(items, ref i, at);
                }
            }

            return value;
        }

        private static double Signed(List<XElement> items, ref int i, IReadOnlyDictionary<string, double> at)
        {
            if (Is(items[i], "-"))
            {
                i++;
                return -Signed(items, ref i, at);
            }

            return Atom(items, ref i, at);
        }

        private static double Atom(List<XElement> items, ref int i, IReadOnlyDictionary<string, double> at)
        {
            var item = items[i++];
            if (Is(item, "(") || Is(item, "|"))
            {
                var close = item.Value == "(" ? ")" : "|";
                var inner = Sum(items, ref i, at);
                return Is(items[i++], close) ? (close == "|" ? Math.Abs(inner) : inner) : throw new FormatException("unclosed " + item.Value);
            }

            if (i < items.Count && Is(items[i], "\u2061"))
            {
                var arguments = items[i + 1].Elements().ToList();
                i += 2;
                var values = new List<double>();
                var j = 1;
                while (j < arguments.Count - 1)
                {
                    values.Add(Sum(arguments, ref j, at));
                    j += Is(arguments[j], ",") ? 1 : 0;
                }

                return Apply(item.Name.LocalName == "msub" ? "log" + Child(item, 1).Value : item.Value, values);
            }

            return Value(item, at);
        }

        private static double Apply(string name, List<double> a) => name switch
        {
            "sin" => Math.Sin(a[0]),
            "cos" => Math.Cos(a[0]),
            "tan" => Math.Tan(a[0]),
            "arcsin" => Math.Asin(a[0]),
            "arccos" => Math.Acos(a[0]),
            "arctan" => Math.Atan(a[0]),
            "sinh" => Math.Sinh(a[0]),
            "cosh" => Math.Cosh(a[0]),
            "tanh" => Math.Tanh(a[0]),
            "ln" => Math.Log(a[0]),
            "log10" => Math.Log10(a[0]),
            "log2" => Math.Log2(a[0]),
            "sign" => a[0] > 0 ? 1 : a[0] < 0 ? -1 : a[0],
            "relu" => a[0] > 0 ? a[0] : a[0] <= 0 ? 0 : a[0],
            "\u03C3" => 1 / (1 + Math.Exp(-a[0])),
            "H" => a[0] > 0 ? 1 : a[0] <= 0 ? 0 : a[0],
            "min" => a[1] < a[0] ? a[1] : a[0],
            "max" => a[1] > a[0] ? a[1] : a[0],
            "atan2" => Math.Atan2(a[0], a[1]),
            _ => throw new FormatException($"unknown function {name}"),
        };
    }
}
