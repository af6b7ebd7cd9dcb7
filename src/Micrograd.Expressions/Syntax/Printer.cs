using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Writes a tree as text with the fewest parentheses: a child is parenthesised when its precedence is
/// lower than its place requires (AngouriMath's priority rule). Subtraction and division come back as
/// <c>a - b</c> and <c>a/b</c>.
/// </summary>
internal static partial class Printer
{
    // precedence: let 0 < sum 1 < product 2 < unary 3 < power 4 < atom 5
    private static int Precedence(Expr e) => e switch
    {
        Let => 0,
        Sum => 1,
        Product { Factors.Length: 2 } p when Negated(p) => 3,
        Product => 2,
        Number n when double.IsNegative(n.Value) => 3,
        Power => 4,
        _ => 5,
    };

    public static string Print(Expr expr, Dialect dialect, FormulaOptions? options = null)
    {
        options ??= FormulaOptions.Default;
        var body = dialect == Dialect.Formula ? expr : Inliner.Inline(expr);
        var bound = Budget.TextLength(body, e => OwnLength(e, dialect));
        if (dialect is Dialect.CSharp or Dialect.LaTeX && expr is Let let && bound > 2 * Budget.TextLength(let, e => OwnLength(e, dialect)))
        {
            // writing each let-bound value at each use would more than double the text: keep the bindings
            return BindingsForm.Print(let, dialect, options);
        }

        if (bound > options.MaxOutputLength)
        {
            throw TooLong(options, dialect == Dialect.Formula
                ? ""
                : $"; the {dialect} dialect writes a let-bound value at each of its uses, so it can be far longer than the formula");
        }

        return Expression(body, dialect);
    }

    /// <summary>Writes one expression (let bindings inside it inlined) in a dialect, for the bindings form.</summary>
    internal static string Expression(Expr e, Dialect d)
    {
        var sb = new StringBuilder();
        Write(sb, e, d, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, Expr e, Dialect d, int required)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new InsufficientExecutionStackException("the formula nests too deeply to print on this thread");
        }

        var parens = Precedence(e) < required && !(d != Dialect.Formula && e is Power);
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
                sb.Append(d switch
                {
                    Dialect.LaTeX => LaTeXName(v.Name),
                    Dialect.Sql => $"\"{v.Name}\"",
                    _ => v.Name,
                });
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
                    Write(sb, Steps.WithoutSign(p), d, 2);
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
        else if (Negated(p))
        {
            sb.Append('-');
            WriteFactors(sb, p, d, 1, 3);
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
            default:
                sb.Append(d == Dialect.Sql ? "power(" : "Math.Pow(");
                Write(sb, pow.Base, d, 1);
                sb.Append(", ");
                Write(sb, pow.Exponent, d, 1);
                sb.Append(')');
                break;
        }
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
            sb.Append(double.IsNegative(c.Function.ConstantValue) ? $"({value})" : value);
            return;
        }

        var template = d switch
        {
            Dialect.LaTeX => c.Function.LaTeX,
            Dialect.CSharp => c.Function.CSharp,
            Dialect.Sql => c.Function.Sql,
            _ => c.Function.DynamicLinq,
        };

        // Inside a call's own parentheses any argument fits; spliced into an operator template it must be an atom.
        var inCall = d == Dialect.LaTeX || c.Function.TemplateIsCall;
        var args = c.Arguments.Select(a =>
        {
            var inner = new StringBuilder();
            Write(inner, a, d, inCall ? 1 : 5);
            return (object)inner.ToString();
        }).ToArray();
        sb.Append(string.Format(CultureInfo.InvariantCulture, template, args));
    }

    // a divisor, as the evaluators see it (Steps): written after "/"
    private static bool IsReciprocal(Expr e) => Steps.IsDivision(e, out _);

}
