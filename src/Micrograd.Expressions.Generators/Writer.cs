using System.Text;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Compilation;
using Micrograd.Expressions.Syntax;
using Microsoft.CodeAnalysis.CSharp;

namespace Micrograd.Expressions.Generators;

/// <summary>
/// Generates one method: reads the formula with the engine's reader, binds its parameters to the method's,
/// differentiates it with the engine's differentiator when asked, lowers it with the engine's compiler (the
/// lambda <c>Compile()</c> or <c>CompileGradient()</c> compiles) and writes that as C# (<see cref="CSharpWriter"/>).
/// Every error is a diagnostic; an exception is MGX9999, and the build goes on.
/// </summary>
internal static class Writer
{
    private static readonly FormulaOptions Options = FormulaOptions.Default;

    // long runs of one shape stay unrolled: Compile() rerolls them into loops over a compiled block (past
    // FormulaOptions.RerollNodes), which generated code cannot hold; the loop runs the same steps in the same order
    private const int NoReroll = int.MaxValue;

    public static Generated Generate(Method method, CancellationToken cancel)
    {
        if (method.Problems.Count > 0 || method.Formula is null)
        {
            return new Generated(method.HintName, method.Formula, null, method.Problems);
        }

        try
        {
            return Write(method, method.Formula, cancel);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            var reason = new Problem(Diagnostics.Failure.Id, Anchor.Attribute, 0, new([method.Formula, method.Name, $"{e.GetType().Name}: {e.Message}"]));
            return new Generated(method.HintName, method.Formula, null, new([reason]));
        }
    }

    private static Generated Write(Method method, string formula, CancellationToken cancel)
    {
        (Expr Tree, IReadOnlyList<string> Parameters, Expr Core) read;
        try
        {
            if (!Reader.TryRead(formula, FunctionTable.BuiltIn, Options, out read, out var error))
            {
                return Failed(method, FormulaError(formula, error));
            }
        }
        catch (FormulaSyntaxException error)
        {
            return Failed(method, FormulaError(formula, error));
        }

        cancel.ThrowIfCancellationRequested();
        var problems = new List<Problem>();
        var values = method.Parameters.Where(p => p.Kind != "span").Select(p => p.Name).ToList();
        foreach (var missing in read.Parameters.Where(p => !values.Contains(p)))
        {
            problems.Add(new Problem(Diagnostics.Missing.Id, Anchor.Attribute, 0, new([missing, method.Name])));
        }

        foreach (var unused in values.Where(p => !read.Parameters.Contains(p)))
        {
            problems.Add(new Problem(Diagnostics.Unused.Id, Anchor.Attribute, 0, new([unused, method.Name, formula])));
        }

        if (problems.Count == 0 && HasHeader(formula) && !read.Parameters.SequenceEqual(values))
        {
            problems.Add(new Problem(Diagnostics.Signature.Id, Anchor.Attribute, 0,
                new([$"the formula's `fun` header fixes the order of its parameters ({string.Join(", ", read.Parameters)}): method `{method.Name}` must take them in that order"])));
        }

        var order = method.Derivative?.Split(',').Select(name => name.Trim()).ToArray() ?? [];
        foreach (var name in order.Where(name => !read.Parameters.Contains(name)).Distinct())
        {
            problems.Add(new Problem(Diagnostics.Derivative.Id, Anchor.Attribute, 0, new([method.Derivative!,
                name.Length == 0 ? "a name is empty; write the parameters separated by commas, as \"x\" or \"x,y\"" : $"`{name}` is not a parameter of the formula ({string.Join(", ", read.Parameters)})"])));
        }

        if (Limits.OrderExceeded(order.Length, Options) is { } exceeded)
        {
            problems.Add(new Problem(Diagnostics.Limit.Id, Anchor.Attribute, 0, new([exceeded])));
        }

        if (problems.Count > 0)
        {
            return new Generated(method.HintName, method.Formula, null, new([.. problems]));
        }

        Expr tree = read.Core, text = read.Tree;
        try
        {
            using var work = Work.Begin(Options);
            foreach (var name in order)
            {
                if (tree is Number { Value: 0 })
                {
                    break;
                }

                tree = Differentiator.Differentiate(tree, name);
                Budget.CheckResult(tree, Options, "the derivative");
                text = tree;
            }
        }
        catch (FormulaException e)
        {
            return Failed(method, new Problem(Diagnostics.Limit.Id, Anchor.Attribute, 0, new([e.Message])));
        }

        cancel.ThrowIfCancellationRequested();
        if (Nodes.Walk(tree, distinct: false).Skip(Options.MaxCompiledNodes).Any())
        {
            return Failed(method, new Problem(Diagnostics.Limit.Id, Anchor.Attribute, 0,
                new([$"the formula has more than {Options.MaxCompiledNodes} nodes, the limit of what the engine compiles (FormulaOptions.MaxCompiledNodes)"])));
        }

        var header = read.Parameters.Any(p => FunctionTable.BuiltIn.TryLookup(p, out var f) && f.IsConstant) ? $"fun {string.Join(" ", read.Parameters)} -> " : "";
        var printed = header + Printer.Print(text, Dialect.Formula, Options);
        var source = Source(method, values, tree, printed);
        return new Generated(method.HintName, method.Formula, source, new([]));
    }

    private static bool HasHeader(string formula)
    {
        var trimmed = formula.TrimStart();
        return trimmed.StartsWith("fun", StringComparison.Ordinal) && trimmed.Length > 3 && !char.IsLetterOrDigit(trimmed[3]) && trimmed[3] != '_';
    }

    private static Generated Failed(Method method, Problem problem) => new(method.HintName, method.Formula, null, new([problem]));

    private static Problem FormulaError(string formula, FormulaSyntaxException error)
    {
        var id = error.Kind switch
        {
            FormulaErrorKind.Syntax => Diagnostics.Syntax.Id,
            FormulaErrorKind.Limit => Diagnostics.Limit.Id,
            _ => Diagnostics.Name.Id,
        };
        return new Problem(id, Anchor.Formula, LiteralPositions.Offset(formula, error.Line, error.Column), new([error.Message]));
    }

    private static string Source(Method method, IReadOnlyList<string> values, Expr tree, string printed)
    {
        var arguments = method.Parameters.Where(p => p.Kind != "span")
            .Select(p => p.Kind == "float" ? $"((double){MethodReader.Escape(p.Name)})" : MethodReader.Escape(p.Name)).ToList();
        var taken = method.Parameters.Select(p => p.Name);
        var depth = (method.Namespace is null ? 0 : 1) + method.Containers.Count;
        var indent = new string(' ', 4 * (depth + 1));
        var result = method.ReturnType == "float" ? "return (float)({0});" : "return {0};";

        string body;
        var span = method.Parameters.FirstOrDefault(p => p.Kind == "span");
        if (method.Gradient && span is not null)
        {
            var gradient = MethodReader.Escape(span.Name);
            var lambda = Backpropagation.GradientLambda(tree, values, NoReroll);
            body = $"{indent}if ({gradient}.Length != {values.Count})\n{indent}{{\n{indent}    throw new global::System.ArgumentException(\"the gradient must have {values.Count} elements, one per parameter\", nameof({gradient}));\n{indent}}}\n\n"
                + CSharpWriter.Body(lambda, arguments, gradient, taken, result, indent);
        }
        else
        {
            body = CSharpWriter.Body(LinqCompiler.ToArrayLambda(tree, values, NoReroll), arguments, null, taken, result, indent);
        }

        var sb = new StringBuilder(Templates.Header);
        var outer = "";
        if (method.Namespace is not null)
        {
            sb.Append("namespace ").Append(method.Namespace).Append("\n{\n");
            outer = "    ";
        }

        var level = outer;
        foreach (var container in method.Containers)
        {
            sb.Append(level).Append("partial ").Append(container.Keyword).Append(' ').Append(container.Name).Append('\n').Append(level).Append("{\n");
            level += "    ";
        }

        var access = method.Accessibility.Length == 0 ? "" : method.Accessibility + " ";
        sb.Append(level).Append("/// <summary>The formula of <see cref=\"").Append(method.Name).Append("\"/> as the engine prints it.</summary>\n");
        sb.Append(level).Append(access).Append("const string ").Append(method.TextName).Append(" = ")
            .Append(SymbolDisplay.FormatLiteral(printed, quote: true)).Append(";\n\n");
        var parameters = string.Join(", ", method.Parameters.Select(p => $"{(p.Kind == "span" ? "global::System.Span<double>" : p.Kind)} {MethodReader.Escape(p.Name)}"));
        sb.Append(level).Append(method.Modifiers).Append(' ').Append(method.ReturnType).Append(' ').Append(method.Name).Append('(').Append(parameters).Append(")\n");
        sb.Append(level).Append("{\n").Append(body).Append(level).Append("}\n");
        foreach (var _ in method.Containers)
        {
            level = level.Substring(4);
            sb.Append(level).Append("}\n");
        }

        if (method.Namespace is not null)
        {
            sb.Append("}\n");
        }

        return sb.ToString();
    }
}
