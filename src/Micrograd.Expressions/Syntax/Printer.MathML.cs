using System.Globalization;
using System.Text;

namespace Micrograd.Expressions.Syntax;

// The printer's MathML dialect: presentation markup written from the tree with the same precedences as the
// other dialects. Every compound is one <mrow>, so the markup's nesting is the tree's; a fraction is an <mfrac>,
// a power an <msup>, a root an <msqrt> or <mroot>, a call a name applied (U+2061) to a fenced argument list.
internal static partial class Printer
{
    private const string MathMLNamespace = "http://www.w3.org/1998/Math/MathML";

    // U+2061 FUNCTION APPLICATION, U+22C5 DOT OPERATOR, U+00D7 MULTIPLICATION SIGN, as character references so
    // that the text is ASCII
    private const string Apply = "<mo>&#x2061;</mo>";
    private const string Times = "<mo>&#x22C5;</mo>";
    private const string Minus = "<mo>-</mo>";

    private static string MathML(Expr body)
    {
        var sb = new StringBuilder();
        sb.Append("<math xmlns=\"").Append(MathMLNamespace).Append("\">");
        WriteMathML(sb, body, 0);
        sb.Append("</math>");
        return sb.ToString();
    }

    // at least the characters a node writes besides its children (its <mrow>, fences, operators and tokens)
    private static int MathMLOwnLength(Expr e) => e switch
    {
        Number n => NumberText.Format(n.Value).Length + 160,
        Variable v => (6 * v.Name.Length) + 120,
        Call c => (6 * c.Function.Name.Length) + 160 + (80 * c.Arguments.Length),
        Let l => l.Bindings.Sum(b => b.Name.Length + 12) + 100,
        _ => 100 + (80 * Nodes.Children(e).Length),
    };

    private static void WriteMathML(StringBuilder sb, Expr e, int required)
    {
        Guards.Stack("print");

        // a power written as <msup> groups itself, except as the base of another power
        var parens = Precedence(e, Dialect.MathML) < required && !(e is Power && required < 5);
        if (parens)
        {
            sb.Append("<mrow><mo>(</mo>");
        }

        switch (e)
        {
            case Number n:
                sb.Append(MathMLNumber(n.Value));
                break;
            case Variable v:
                sb.Append(MathMLName(v.Name));
                break;
            case Sum s:
                sb.Append("<mrow>");
                WriteMathML(sb, s.Terms[0], 1);
                for (var i = 1; i < s.Terms.Length; i++)
                {
                    switch (s.Terms[i])
                    {
                        case Product p when Negated(p):
                            sb.Append(Minus);
                            WriteMathMLOperand(sb, Steps.WithoutSign(p), 2);
                            break;
                        case Number { Value: var c } when double.IsNegative(c):
                            sb.Append(Minus).Append(MathMLNumber(-c));
                            break;
                        case Product { Factors: [Number { Value: var c }, ..] } p when double.IsNegative(c):
                            sb.Append(Minus);
                            WriteMathML(sb, new Product(p.Factors.SetItem(0, new Number(-c))), 2);
                            break;
                        default:
                            sb.Append("<mo>+</mo>");
                            WriteMathML(sb, s.Terms[i], 2);
                            break;
                    }
                }

                sb.Append("</mrow>");
                break;
            case Product p:
                WriteMathMLProduct(sb, p);
                break;
            case Power pow:
                sb.Append("<msup>");
                WriteMathML(sb, pow.Base, 5);
                WriteMathML(sb, pow.Exponent, 0);
                sb.Append("</msup>");
                break;
            case Call c:
                WriteMathMLCall(sb, c);
                break;
            case Let l:
                // the printer inlines bindings before this dialect; kept for a tree written directly
                sb.Append("<mrow>");
                foreach (var binding in l.Bindings)
                {
                    sb.Append("<mi>let</mi>").Append(MathMLName(binding.Name)).Append("<mo>=</mo>");
                    WriteMathML(sb, binding.Value is Lambda f ? f.Body : binding.Value, 1);
                    sb.Append("<mo>;</mo>");
                }

                WriteMathML(sb, l.Body, 1);
                sb.Append("</mrow>");
                break;
            default:
                sb.Append("<merror><mtext>").Append(MathMLEscape(e.GetType().Name)).Append("</mtext></merror>");
                break;
        }

        if (parens)
        {
            sb.Append("<mo>)</mo></mrow>");
        }
    }

    // an operand right after a minus sign: fenced when it starts with a minus itself, so two never touch
    private static void WriteMathMLOperand(StringBuilder sb, Expr e, int required)
    {
        var operand = new StringBuilder();
        WriteMathML(operand, e, required);
        var text = operand.ToString();
        var start = 0;
        while (string.CompareOrdinal(text, start, "<mrow>", 0, 6) == 0)
        {
            start += 6;
        }

        var signed = string.CompareOrdinal(text, start, Minus, 0, Minus.Length) == 0;
        sb.Append(signed ? "<mrow><mo>(</mo>" : "").Append(text).Append(signed ? "<mo>)</mo></mrow>" : "");
    }

    private static void WriteMathMLProduct(StringBuilder sb, Product p)
    {
        sb.Append("<mrow>");
        if (Negated(p))
        {
            sb.Append(Minus);
            var rest = Steps.WithoutSign(p);
            if (rest is Product unsigned && unsigned.Factors.Any(IsReciprocal))
            {
                WriteMathMLFraction(sb, unsigned);
            }
            else
            {
                WriteMathMLOperand(sb, rest, 3);
            }
        }
        else if (p.Factors.Any(IsReciprocal))
        {
            WriteMathMLFraction(sb, p);
        }
        else
        {
            WriteMathML(sb, p.Factors[0], 2);
            for (var i = 1; i < p.Factors.Length; i++)
            {
                // as LaTeX: a negative factor after the dot is fenced, 2 (-x)
                sb.Append(Times);
                WriteMathML(sb, p.Factors[i], 4);
            }
        }

        sb.Append("</mrow>");
    }

    private static void WriteMathMLFraction(StringBuilder sb, Product p)
    {
        sb.Append("<mfrac>");
        WriteMathMLFactors(sb, [.. p.Factors.Where(f => !IsReciprocal(f))]);
        WriteMathMLFactors(sb, [.. p.Factors.Where(IsReciprocal).Select(f => ((Power)f).Base)]);
        sb.Append("</mfrac>");
    }

    private static void WriteMathMLFactors(StringBuilder sb, List<Expr> factors)
    {
        switch (factors.Count)
        {
            case 0:
                sb.Append("<mn>1</mn>");
                break;
            case 1:
                WriteMathML(sb, factors[0], 0);
                break;
            default:
                WriteMathMLProduct(sb, new Product([.. factors]));
                break;
        }
    }

    private static void WriteMathMLCall(StringBuilder sb, Call c)
    {
        var f = c.Function;
        if (f.Arity == 0)
        {
            sb.Append(f.IsBuiltIn && f.Name == "pi" ? "<mi>&#x3C0;</mi>" : MathMLName(f.Name));
            return;
        }

        if (f.IsBuiltIn && MathMLShape(f.Name) is (string open, string close))
        {
            sb.Append(open);
            WriteMathML(sb, c.Arguments[0], f.Name == "pow" ? 5 : 0);
            if (f.Name == "pow")
            {
                WriteMathML(sb, c.Arguments[1], 0);
            }

            sb.Append(close);
            return;
        }

        sb.Append("<mrow>").Append(f.IsBuiltIn ? MathMLFunctionName(f.Name) : MathMLName(f.Name)).Append(Apply).Append("<mrow><mo>(</mo>");
        for (var i = 0; i < c.Arguments.Length; i++)
        {
            if (i > 0)
            {
                sb.Append("<mo>,</mo>");
            }

            WriteMathML(sb, c.Arguments[i], 1);
        }

        sb.Append("<mo>)</mo></mrow></mrow>");
    }

    // the functions mathematics writes with a shape of their own: the markup around the argument (pow's two
    // arguments are an <msup>'s base and exponent)
    private static (string Open, string Close)? MathMLShape(string name) => name switch
    {
        "sqrt" => ("<msqrt>", "</msqrt>"),
        "cbrt" => ("<mroot>", "<mn>3</mn></mroot>"),
        "abs" => ("<mrow><mo>|</mo>", "<mo>|</mo></mrow>"),
        "exp" => ("<msup><mi>e</mi>", "</msup>"),
        "pow" => ("<msup>", "</msup>"),
        _ => null,
    };

    // the names mathematics writes for the built-in functions (as the LaTeX dialect does)
    private static string MathMLFunctionName(string name) => name switch
    {
        "log" => "<mi>ln</mi>",
        "log10" => "<msub><mi>log</mi><mn>10</mn></msub>",
        "log2" => "<msub><mi>log</mi><mn>2</mn></msub>",
        "asin" or "acos" or "atan" => $"<mi>arc{name[1..]}</mi>",
        "sigmoid" => "<mi>&#x3C3;</mi>",
        "heaviside" => "<mi>H</mi>",
        _ => $"<mi>{name}</mi>",
    };

    // a name in italics, a single letter being italic already; d_x as d with subscript x, as LaTeX writes it
    private static string MathMLName(string name)
    {
        var underscore = name.IndexOf('_');
        if (underscore > 0 && underscore < name.Length - 1)
        {
            return $"<msub>{MathMLName(name[..underscore])}<mi>{MathMLEscape(name[(underscore + 1)..])}</mi></msub>";
        }

        return name.Length == 1 ? $"<mi>{MathMLEscape(name)}</mi>" : $"<mi mathvariant=\"italic\">{MathMLEscape(name)}</mi>";
    }

    private static string MathMLNumber(double value)
    {
        if (double.IsNaN(value))
        {
            return "<mi>NaN</mi>";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "<mi>&#x221E;</mi>" : "<mrow><mo>-</mo><mi>&#x221E;</mi></mrow>";
        }

        var text = NumberText.Format(Math.Abs(value));
        var sign = double.IsNegative(value) ? Minus : "";
        var e = text.IndexOf('e');
        string magnitude;
        if (e < 0)
        {
            magnitude = $"<mn>{text}</mn>";
        }
        else
        {
            var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var power = exponent < 0
                ? $"<mrow><mo>-</mo><mn>{(-exponent).ToString(CultureInfo.InvariantCulture)}</mn></mrow>"
                : $"<mn>{exponent.ToString(CultureInfo.InvariantCulture)}</mn>";
            magnitude = $"<mrow><mn>{text[..e]}</mn><mo>&#xD7;</mo><msup><mn>10</mn>{power}</msup></mrow>";
        }

        return sign.Length == 0 ? magnitude : $"<mrow>{sign}{magnitude}</mrow>";
    }

    private static string MathMLEscape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
