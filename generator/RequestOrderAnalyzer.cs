using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Http.Client.Generator
{
    /// <summary>
    /// HTTP1009: <c>PutHeader</c> / <c>EndHeaders</c> on a connection whose request is not started (before
    /// <c>PutRequest</c>, or after <c>GetResponse</c>/<c>Close</c>) or already sent (after <c>EndHeaders</c> or
    /// <c>Request</c>). Follows each connection a method creates in a local, statement by statement through the block
    /// that declares it; a statement that uses the local in any other way (a branch, a loop, a lambda, an argument)
    /// makes its state unknown until the next <c>PutRequest</c>, so the rule never guesses.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RequestOrderAnalyzer : DiagnosticAnalyzer
    {
        private enum State
        {
            Unknown,
            Idle,
            Started,
            Sent,
        }

        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.HeaderOutOfOrder);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                if (LibraryReference.Connection(start.Compilation) is INamedTypeSymbol connection)
                {
                    start.RegisterOperationAction(operation => AnalyzeBlock(operation, connection), OperationKind.Block);
                }
            });
        }

        /// <summary>Each block is walked once for the connections declared directly in it (nested blocks get their own call).</summary>
        private static void AnalyzeBlock(OperationAnalysisContext context, INamedTypeSymbol connection)
        {
            var block = (IBlockOperation)context.Operation;
            var states = new Dictionary<ILocalSymbol, (State State, string Last)>(SymbolEqualityComparer.Default);
            if (block.Parent is IUsingOperation { Resources: { } resources })
            {
                Declare(resources, states, connection);
            }

            foreach (IOperation statement in block.Operations)
            {
                if (states.Count > 0)
                {
                    Step(context, statement, states, connection);
                }

                Declare(statement, states, connection);
            }
        }

        /// <summary>Starts following each local a declaration initializes with <c>new HttpConnection(...)</c> (or a subclass).</summary>
        private static void Declare(IOperation statement, Dictionary<ILocalSymbol, (State, string)> states, INamedTypeSymbol connection)
        {
            IVariableDeclarationGroupOperation? group = statement switch
            {
                IVariableDeclarationGroupOperation g => g,
                IUsingDeclarationOperation u => u.DeclarationGroup,
                _ => null,
            };
            IEnumerable<IVariableDeclarationOperation> declarations = group is not null
                ? group.Declarations
                : statement is IVariableDeclarationOperation single ? new[] { single } : System.Array.Empty<IVariableDeclarationOperation>();
            foreach (IVariableDeclarationOperation declaration in declarations)
            {
                foreach (IVariableDeclaratorOperation declarator in declaration.Declarators)
                {
                    IVariableInitializerOperation? initializer = declarator.Initializer ?? declaration.Initializer;
                    if (initializer is not null
                        && LibraryReference.WithoutConversions(initializer.Value) is IObjectCreationOperation creation
                        && LibraryReference.IsConnectionType(creation.Type, connection))
                    {
                        states[declarator.Symbol] = (State.Idle, "creation");
                    }
                }
            }
        }

        private static void Step(OperationAnalysisContext context, IOperation statement, Dictionary<ILocalSymbol, (State State, string Last)> states, INamedTypeSymbol connection)
        {
            IInvocationOperation? call = RootCall(statement);
            ILocalSymbol? target = call?.Instance is ILocalReferenceOperation local && states.ContainsKey(local.Local) && LibraryReference.IsConnectionType(call.TargetMethod.ContainingType, connection)
                ? local.Local
                : null;

            // Any other mention of a followed connection in this statement: its state is no longer known.
            foreach (IOperation operation in statement.DescendantsAndSelf())
            {
                if (operation is ILocalReferenceOperation reference && states.ContainsKey(reference.Local)
                    && !(target is not null && ReferenceEquals(operation, call!.Instance)))
                {
                    states[reference.Local] = (State.Unknown, string.Empty);
                }
            }

            if (target is null)
            {
                return;
            }

            (State state, string last) = states[target];
            string name = call!.TargetMethod.Name;
            switch (name)
            {
                case "PutRequest":
                    states[target] = (State.Started, name);
                    break;
                case "PutHeader":
                case "EndHeaders":
                case "EndHeadersAsync":
                    if (state is State.Idle or State.Sent)
                    {
                        string when = state == State.Sent ? "after " + last : last == "creation" ? "before PutRequest" : $"after {last}, before a new PutRequest";
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HeaderOutOfOrder, call.Syntax.GetLocation(), name, target.Name, when));
                    }

                    states[target] = name == "PutHeader" ? (state, last) : (State.Sent, name);
                    break;
                case "Request":
                case "RequestAsync":
                    states[target] = (State.Sent, name);
                    break;
                case "GetResponse":
                case "GetResponseAsync":
                case "Close":
                    states[target] = (State.Idle, name);
                    break;
            }
        }

        /// <summary>
        /// The call a statement makes on its own: <c>c.M(...);</c>, <c>await c.M(...);</c> (ConfigureAwait too), or
        /// the initializer of a single declared local (<c>var r = c.GetResponse();</c>).
        /// </summary>
        private static IInvocationOperation? RootCall(IOperation statement)
        {
            IOperation? value = statement switch
            {
                IExpressionStatementOperation expression => expression.Operation,
                IVariableDeclarationGroupOperation { Declarations.Length: 1 } group
                    when group.Declarations[0].Declarators.Length == 1 => group.Declarations[0].Declarators[0].Initializer?.Value,
                IUsingDeclarationOperation { DeclarationGroup.Declarations.Length: 1 } usingDeclaration
                    when usingDeclaration.DeclarationGroup.Declarations[0].Declarators.Length == 1 => usingDeclaration.DeclarationGroup.Declarations[0].Declarators[0].Initializer?.Value,
                _ => null,
            };
            while (value is not null)
            {
                value = LibraryReference.WithoutConversions(value);
                switch (value)
                {
                    case IAwaitOperation awaited:
                        value = awaited.Operation;
                        continue;
                    case IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } awaitable }:
                        value = awaitable;
                        continue;
                    case IInvocationOperation invocation:
                        return invocation;
                    default:
                        return null;
                }
            }

            return null;
        }
    }
}
