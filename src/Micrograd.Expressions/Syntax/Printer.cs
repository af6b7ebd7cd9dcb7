using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Writes a tree as text with the fewest parentheses: a child is parenthesised when its precedence is
/// lower than its place requires (AngouriMath's priority rule). Subtraction and division come back as
/// <c>a - b</c> and <c>a/b</c>.
/// </summary>
internal static partial class Printer
{
    // precedence: let 0 < sum 1 < product 2 < unary 3 < power 4 < atom 5. SQL writes a negation as a product by
    // -1 (SQLite's unary minus turns -0.0 into 0.0) and every number as an atom (a CAST or a parenthesised CASE).
    private static int Precedence(Expr e, Dialect d) => e switch
    {
        Let => 0,
        Sum => 1,
        Product { Factors.Length: 2 } p when Negated(p) && d != Dialect.Sql => 3,
        Product => 2,
        Number when d == Dialect.Sql => 5,
        Number n when double.IsNegative(n.Value) => 3,
        Power p when IsMultiplied(p, d) => p.Exponent is Number { Value: 0 or 1 } ? 5 : 2,
        Power => 4,
        _ => 5,
    };

    public static string Print(Expr expr, Dialect dialect, FormulaOptions? options = null)
    {
        options ??= FormulaOptions.Default;
        var body = dialect == Dialect.Formula ? expr : Inliner.Inline(expr);
        if (dialect is Dialect.Sql or Dialect.DynamicLinq)
        {
            // neither a database nor Dynamic LINQ knows the host's formula-defined functions: their bodies go in place
            if (Budget.TextLength(body, e => e is Call { Function.Body: not null } c ? (int)Math.Min(int.MaxValue, c.Function.InlineNodes) : 1) > options.MaxOutputLength)
            {
                throw TooLong(options, $"; the {dialect} dialect writes each formula-defined function's body at each of its calls");
            }

            body = Inliner.WriteOutDefined(body);
        }

        var bound = Length(body, dialect);
        if (dialect == Dialect.MathML)
        {
            return bound > options.MaxOutputLength
                ? throw TooLong(options, "; the MathML dialect writes a let-bound value at each of its uses")
                : MathML(body);
        }

        if (dialect is Dialect.CSharp or Dialect.LaTeX && expr is Let let && bound > 2 * Length(let, dialect))
        {
            // writing each let-bound value at each use would more than double the text: keep the bindings
            return BindingsForm.Print(let, dialect, options);
        }

        if (bound > options.MaxOutputLength)
        {
            throw TooLong(options, dialect == Dialect.Formula
                ? ""
                : $"; the {dialect} dialect writes a let-bound value at each of its uses, and a function's argument at each place its template uses it, so it can be far longer than the formula");
        }

        var text = Expression(body, dialect);
        return dialect == Dialect.CSharp ? Qualified(text, FreeNames.Of(body)) : text;
    }

    /// <summary>
    /// C# text whose names include <c>Math</c> or <c>Func</c>: those names would hide the types the text uses,
    /// which it then names from the global namespace (<c>global::System.Math.Sin</c>).
    /// </summary>
    internal static string Qualified(string csharp, IEnumerable<string> names)
    {
        foreach (var type in names.Intersect(["Math", "Func"], StringComparer.Ordinal))
        {
            csharp = Regex.Replace(csharp, $@"(?<![\w@.:]){type}(?=[.<])", "global::System." + type);
        }

        return csharp;
    }

    /// <summary>
    /// An upper bound of the length of <paramref name="e"/> written in a dialect (let bindings inlined), counting an
    /// argument once per place its function's template uses it (C#'s <c>sign</c> three times), without writing it.
    /// </summary>
    internal static double Length(Expr e, Dialect d) => Budget.TextLength(e, node => OwnLength(node, d), (node, child) => Uses(node, child, d));

    // how many times a template writes argument i: C#'s sign(x) writes x three times, so nested signs grow as 3^depth,
    // and C#'s u**4 writes u four times
    private static int Uses(Expr node, int child, Dialect d) => node switch
    {
        Call c when d is not (Dialect.Formula or Dialect.MathML) && Template(c.Function, d) is var template =>
            Math.Max(1, template.Split("{" + child.ToString(CultureInfo.InvariantCulture) + "}").Length - 1),
        Power p when IsMultiplied(p, d) => Math.Max(1, (int)Math.Abs(((Number)p.Exponent).Value)),
        _ => 1,
    };

    private static string Template(Function f, Dialect d) => d switch
    {
        Dialect.LaTeX => f.LaTeX,
        Dialect.CSharp => f.CSharp,
        Dialect.Sql => f.Sql,
        _ => f.DynamicLinq,
    };

    /// <summary>Writes one expression (let bindings inside it inlined) in a dialect, for the bindings form.</summary>
    internal static string Expression(Expr e, Dialect d)
    {
        var sb = new StringBuilder();
        Write(sb, e, d, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, Expr e, Dialect d, int required)
    {
        Guards.Stack("print");

        var parens = Precedence(e, d) < required && !(d != Dialect.Formula && e is Power power && !IsMultiplied(power, d));
        if (parens)
        {
            sb.Append(d == Dialect.LaTeX ? @"\left(" : "(");
        }

        switch (e)
        {
            case Number n:
                sb.Append(FormatNumber(n.Value, d));
                break;
            case Variable v:
                sb.Append(Name(v.Name, d));
                break;
            case Sum s:
                WriteSum(sb, s, d);
                break;
            case Product p when d == Dialect.LaTeX && p.Factors.Any(IsReciprocal):
                WriteFraction(sb, p);
                break;
            case Product p:
                WriteProduct(sb, p, d);
                break;
            case Power pow:
                WritePower(sb, pow, d);
                break;
            case Call c:
                WriteCall(sb, c, d);
                break;
            case Let l:
                foreach (var binding in l.Bindings)
                {
                    sb.Append("let ").Append(binding.Name);
                    var value = binding.Value;
                    if (value is Lambda f)
                    {
                        sb.Append(' ').AppendJoin(' ', f.Parameters);
                        value = f.Body;
                    }

                    sb.Append(" = ");
                    Write(sb, value, d, 1);
                    sb.Append("; ");
                }

                Write(sb, l.Body, d, 1);
                break;
        }

        if (parens)
        {
            sb.Append(d == Dialect.LaTeX ? @"\right)" : ")");
        }
    }

    private static void WriteSum(StringBuilder sb, Sum s, Dialect d)
    {
        Write(sb, s.Terms[0], d, 1);
        for (var i = 1; i < s.Terms.Length; i++)
        {
            switch (s.Terms[i])
            {
                case Product p when Negated(p):
                    sb.Append(" - ");
                    var operand = sb.Length;
                    Write(sb, Steps.WithoutSign(p), d, 2);
                    KeepApart(sb, operand, d);
                    break;
                case Number { Value: var c } when double.IsNegative(c):
                    sb.Append(" - ").Append(FormatNumber(-c, d));
                    break;
                case Product { Factors: [Number { Value: var c }, ..] } p when double.IsNegative(c):
                    sb.Append(" - ");
                    Write(sb, new Product(p.Factors.SetItem(0, new Number(-c))), d, 2);
                    break;
                default:
                    sb.Append(" + ");
                    Write(sb, s.Terms[i], d, 2);
                    break;
            }
        }
    }

    // An operand written at `operand`, right after a minus sign, that starts with one itself: C#'s "--" is the
    // decrement, so the two stay apart; LaTeX typesets -(-c) rather than two dashes. (SQL writes -1 * u.)
    private static void KeepApart(StringBuilder sb, int operand, Dialect d)
    {
        if (d == Dialect.Formula || sb.Length <= operand || sb[operand] != '-')
        {
            return;
        }

        if (d == Dialect.LaTeX)
        {
            sb.Insert(operand, @"\left(").Append(@"\right)");
        }
        else if (sb[operand - 1] == '-')
        {
            sb.Insert(operand, ' ');
        }
    }

    // -u*v for a negation (Steps: (-1)*u*v) when u is neither a number nor a divisor (else the -1 must stay visible)
    private static bool Negated(Product p) =>
        Steps.IsNegation(p) && p.Factors.Length > 1 && p.Factors[1] is not Number && !IsReciprocal(p.Factors[1]);

    private static void WriteProduct(StringBuilder sb, Product p, Dialect d)
    {
        if (Negated(p) && d == Dialect.LaTeX && Steps.WithoutSign(p) is Product { Factors: var rest } unsigned && rest.Any(IsReciprocal))
        {
            sb.Append('-');
            WriteFraction(sb, unsigned);
        }
        else if (Negated(p) && d == Dialect.Sql)
        {
            // -1 * u: exact, as -u, and SQLite's unary minus would give 0.0 for -0.0
            sb.Append("-1 * ");
            WriteFactors(sb, p, d, 1, 3);
        }
        else if (Negated(p))
        {
            sb.Append('-');
            var operand = sb.Length;
            WriteFactors(sb, p, d, 1, 3);
            KeepApart(sb, operand, d);
        }
        else
        {
            WriteFactors(sb, p, d, 0, 2);
        }
    }

    private static void WriteFactors(StringBuilder sb, Product p, Dialect d, int start, int firstPrecedence)
    {
        var (times, divide) = d switch
        {
            Dialect.Formula => ("*", "/"),
            Dialect.LaTeX => (@" \cdot ", "/"),
            _ => (" * ", " / "),
        };
        Write(sb, p.Factors[start], d, firstPrecedence);
        for (var i = start + 1; i < p.Factors.Length; i++)
        {
            if (IsReciprocal(p.Factors[i]))
            {
                sb.Append(divide);
                Write(sb, ((Power)p.Factors[i]).Base, d, 3);
            }
            else
            {
                // LaTeX has no unary minus after \cdot that reads well: 2 \cdot \left(-x\right)
                sb.Append(times);
                Write(sb, p.Factors[i], d, d == Dialect.LaTeX ? 4 : 3);
            }
        }
    }

    private static void WriteFraction(StringBuilder sb, Product p)
    {
        var numerator = p.Factors.Where(f => !IsReciprocal(f)).ToList();
        var denominator = p.Factors.Where(IsReciprocal).Select(f => ((Power)f).Base).ToList();
        sb.Append(@"\frac{");
        WriteFractionPart(sb, numerator);
        sb.Append("}{");
        WriteFractionPart(sb, denominator);
        sb.Append('}');
    }

    private static void WriteFractionPart(StringBuilder sb, List<Expr> factors)
    {
        switch (factors.Count)
        {
            case 0:
                sb.Append('1');
                break;
            case 1:
                Write(sb, factors[0], Dialect.LaTeX, 0);
                break;
            default:
                WriteProduct(sb, new Product([.. factors]), Dialect.LaTeX);
                break;
        }
    }

    private static void WritePower(StringBuilder sb, Power pow, Dialect d)
    {
        switch (d)
        {
            case Dialect.Formula:
                Write(sb, pow.Base, d, 5);
                sb.Append("**");
                Write(sb, pow.Exponent, d, 3);
                break;
            case Dialect.LaTeX:
                sb.Append('{');
                Write(sb, pow.Base, d, 5);
                sb.Append("}^{");
                Write(sb, pow.Exponent, d, 0);
                sb.Append('}');
                break;
            case Dialect.CSharp or Dialect.DynamicLinq when IsMultiplied(pow, d):
                WriteMultiplied(sb, pow.Base, (int)((Number)pow.Exponent).Value, d);
                break;
            default:
                sb.Append(d == Dialect.Sql ? "power(" : "Math.Pow(");
                Write(sb, pow.Base, d, 1);
                sb.Append(", ");
                Write(sb, pow.Exponent, d, 1);
                sb.Append(')');
                break;
        }
    }

    // C# and Dynamic LINQ write a small whole power as the engine computes it (Steps.UnrolledPower), so their text
    // gives the engine's bits: u*u, u*u*u, u*u*(u*u), 1.0/(...) for a negative n, 1.0 for n = 0, u itself for n = 1
    private static bool IsMultiplied(Power p, Dialect d) =>
        d is Dialect.CSharp or Dialect.DynamicLinq && p.Exponent is Number { Value: var n } && Steps.IsUnrolled(n);

    private static void WriteMultiplied(StringBuilder sb, Expr b, int n, Dialect d)
    {
        if (n == 0)
        {
            sb.Append(FormatNumber(1.0, d));
            return;
        }

        if (n < 0)
        {
            sb.Append(FormatNumber(1.0, d)).Append(" / ");
        }

        var magnitude = Math.Abs(n);
        var grouped = n < 0 && magnitude > 1;
        sb.Append(grouped ? "(" : "");
        for (var i = 0; i < magnitude; i++)
        {
            // (u*u)*(u*u): the second pair in parentheses; every copy of u parenthesised unless it is an atom
            sb.Append(i == 0 ? "" : i == 2 && magnitude == 4 ? " * (" : " * ");
            Write(sb, b, d, 5);
        }

        sb.Append(magnitude == 4 ? ")" : "").Append(grouped ? ")" : "");
    }

    private static void WriteCall(StringBuilder sb, Call c, Dialect d)
    {
        if (d == Dialect.Formula)
        {
            sb.Append(c.Function.Name);
            if (c.Function.Arity > 0)
            {
                sb.Append('(');
                for (var i = 0; i < c.Arguments.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    Write(sb, c.Arguments[i], d, 1);
                }

                sb.Append(')');
            }

            return;
        }

        if (c.Function is { IsConstant: true, IsBuiltIn: false } && d != Dialect.LaTeX)
        {
            // a host's constant: its value, so the text needs nothing the host defined
            var value = FormatNumber(c.Function.ConstantValue, d);
            sb.Append(Precedence(new Number(c.Function.ConstantValue), d) < 5 ? $"({value})" : value);
            return;
        }

        var template = Template(c.Function, d);

        // An argument that stands alone between a call's parentheses and commas fits whatever it is; spliced
        // next to an operator (-{0}, {0} < 0, {0} ? ...) it must be an atom. LaTeX's braces and \left( \right) group.
        var args = c.Arguments.Select((a, i) =>
        {
            var inner = new StringBuilder();
            Write(inner, a, d, d == Dialect.LaTeX || StandsAlone(template, i) ? 1 : 5);
            return (object)inner.ToString();
        }).ToArray();
        sb.Append(string.Format(CultureInfo.InvariantCulture, template, args));
    }

    // true when every {i} of the template is a whole argument of a call: after "(" or ", ", before ")" or ","
    private static bool StandsAlone(string template, int i)
    {
        var hole = "{" + i.ToString(CultureInfo.InvariantCulture) + "}";
        for (var at = template.IndexOf(hole, StringComparison.Ordinal); at >= 0; at = template.IndexOf(hole, at + 1, StringComparison.Ordinal))
        {
            var before = template[..at].TrimEnd();
            var after = template[(at + hole.Length)..].TrimStart();
            if (!(before.EndsWith('(') || before.EndsWith(',')) || !(after.StartsWith(')') || after.StartsWith(',')))
            {
                return false;
            }
        }

        return true;
    }

    // a divisor, as the evaluators see it (Steps): written after "/"
    private static bool IsReciprocal(Expr e) => Steps.IsDivision(e, out _);

}
