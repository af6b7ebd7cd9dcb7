using System.Collections.Immutable;
using System.Text;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The form of the C# and LaTeX dialects that keeps a formula's top-level <c>let</c> bindings, so that the
/// text stays linear in the formula where writing each bound value at each of its uses would not:
/// C#, an expression that runs a block, <c>((Func&lt;double&gt;)(() =&gt; { var u = ...; return ...; }))()</c>;
/// LaTeX, an <c>aligned</c> environment with one row per binding and the result last.
/// </summary>
internal static class BindingsForm
{
    public static string Print(Let let, Dialect dialect, FormulaOptions options)
    {
        // C# may not declare a local with the name of a parameter or of another local: rename those
        var names = new Names(FreeNames.Of(let));
        var renamed = ImmutableDictionary<string, Expr>.Empty.WithComparers(StringComparer.Ordinal);
        var rows = new List<(string Name, string Value)>();
        var locals = new List<string>();
        var length = 0.0;
        string Write(Expr e)
        {
            // a let inside a value or the result is still written at each use: check before writing
            var inlined = Inliner.Substitute(e, renamed);
            length += Printer.Length(inlined, dialect);
            return length > options.MaxOutputLength ? throw Printer.TooLong(options) : Printer.Expression(inlined, dialect);
        }

        foreach (var binding in let.Bindings)
        {
            var value = Write(binding.Value);
            var name = dialect == Dialect.CSharp ? names.Claim(binding.Name) : binding.Name;
            locals.Add(name);
            renamed = name == binding.Name ? renamed.Remove(binding.Name) : renamed.SetItem(binding.Name, new Variable(name));
            rows.Add((Printer.Expression(new Variable(name), dialect), value));
        }

        var result = Write(let.Body);
        var text = new StringBuilder();
        if (dialect == Dialect.LaTeX)
        {
            text.Append(@"\begin{aligned}");
            foreach (var (name, value) in rows)
            {
                text.Append(' ').Append(name).Append(" &= ").Append(value).Append(@" \\");
            }

            text.Append(" & ").Append(result).Append(@" \end{aligned}");
        }
        else
        {
            text.Append("((Func<double>)(() => { ");
            foreach (var (name, value) in rows)
            {
                text.Append("var ").Append(name).Append(" = ").Append(value).Append("; ");
            }

            text.Append("return ").Append(result).Append("; }))()");
        }

        if (text.Length > options.MaxOutputLength)
        {
            throw Printer.TooLong(options);
        }

        return dialect == Dialect.CSharp ? Printer.Qualified(text.ToString(), FreeNames.Of(let).Concat(locals)) : text.ToString();
    }
}
