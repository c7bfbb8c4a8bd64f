/**
 * The shell syntax tree. Nodes are plain readonly data tagged by `kind`;
 * build them only through the constructors in `build.ts`, which validate
 * every literal, name and pattern so that the printer can quote by
 * construction.
 *
 * @module
 */

/** A literal piece of a word: printed quoted when it holds any special character. */
export interface Lit {
  readonly kind: "lit";
  readonly value: string;
}

/** Parameter-expansion operators (POSIX). */
export type ParamOp =
  | { readonly op: "-"; readonly arg: Word } // ${x:-arg}
  | { readonly op: "#" | "##" | "%" | "%%"; readonly arg: Pattern } // ${x#pat}
  | { readonly op: "len" }; // ${#x}

/** A parameter expansion, always printed inside double quotes. */
export interface Var {
  readonly kind: "var";
  readonly name: string;
  readonly op?: ParamOp;
}

/** A command substitution `$(...)`, always printed inside double quotes. */
export interface CmdSubst {
  readonly kind: "cmdsubst";
  readonly body: readonly Command[];
}

/** An arithmetic expression for `$((...))`. */
export type ArithExpr =
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "name"; readonly name: string }
  | {
    readonly kind: "binop";
    readonly op: "+" | "-" | "*" | "/" | "%" | "<" | ">" | "<=" | ">=" | "==" | "!=";
    readonly left: ArithExpr;
    readonly right: ArithExpr;
  };

/** An arithmetic expansion `$((...))`. */
export interface Arith {
  readonly kind: "arith";
  readonly expr: ArithExpr;
}

/** One part of a word. */
export type WordPart = Lit | Var | CmdSubst | Arith;

/** A shell word: one argument after expansion, never split, never globbed. */
export interface Word {
  readonly kind: "word";
  readonly parts: readonly WordPart[];
}

/** A glob piece of a pattern: `*`, `?` or a bracket class. */
export interface Glob {
  readonly kind: "glob";
  readonly value: string;
}

/** A pattern for `case` and for `${x#pat}`: literal parts match themselves. */
export interface Pattern {
  readonly kind: "pattern";
  readonly parts: readonly (Lit | Var | Glob)[];
}

/**
 * A redirection. `fd` defaults to 0 for `<`, `<&` and `<>`, 1 for the
 * others; `<&` and `>&` duplicate the descriptor their target names, or
 * close `fd` when it is `-`.
 */
export interface Redirect {
  readonly kind: "redirect";
  readonly fd?: number;
  readonly op: ">" | ">>" | "<" | ">&" | "<&" | "<>";
  readonly target: Word;
}

/** `name=value` as a prefix of a simple command or on its own. */
export interface Assign {
  readonly kind: "assign";
  readonly name: string;
  readonly value: Word;
}

/** A simple command: assignments, words and redirections. */
export interface Simple {
  readonly kind: "simple";
  readonly assigns: readonly Assign[];
  readonly args: readonly Word[];
  readonly redirects: readonly Redirect[];
}

/** `a | b | c`, optionally negated with `!`. */
export interface Pipeline {
  readonly kind: "pipeline";
  readonly commands: readonly Command[];
  readonly negate: boolean;
}

/** `a && b` or `a || b`. */
export interface AndOr {
  readonly kind: "andor";
  readonly op: "&&" | "||";
  readonly left: Command;
  readonly right: Command;
}

/** `if ...; then ...; elif ...; else ...; fi`. */
export interface If {
  readonly kind: "if";
  readonly branches: readonly {
    readonly cond: readonly Command[];
    readonly body: readonly Command[];
  }[];
  readonly otherwise: readonly Command[];
}

/** `while cond; do body; done`. */
export interface While {
  readonly kind: "while";
  readonly cond: readonly Command[];
  readonly body: readonly Command[];
}

/** `for name in words; do body; done`. */
export interface For {
  readonly kind: "for";
  readonly name: string;
  /** Words, or patterns that expand to the matching paths. */
  readonly items: readonly (Word | Pattern)[];
  readonly body: readonly Command[];
}

/** One arm of a `case`. */
export interface CaseArm {
  readonly patterns: readonly Pattern[];
  readonly body: readonly Command[];
}

/** `case word in pat) ...;; esac`. */
export interface Case {
  readonly kind: "case";
  readonly word: Word;
  readonly arms: readonly CaseArm[];
}

/** `name() { body; }`. */
export interface FuncDecl {
  readonly kind: "func";
  readonly name: string;
  readonly body: readonly Command[];
  /** Its usage (arguments, output, return codes), printed as comments above it. */
  readonly doc?: string;
}

/** `{ body; } redirects`. */
export interface Group {
  readonly kind: "group";
  readonly body: readonly Command[];
  readonly redirects: readonly Redirect[];
}

/** `( body ) redirects`. */
export interface Subshell {
  readonly kind: "subshell";
  readonly body: readonly Command[];
  readonly redirects: readonly Redirect[];
}

/**
 * `command &`: run asynchronously; `$!` is its process id. Its standard
 * input is /dev/null unless a redirection of its own says otherwise.
 */
export interface Background {
  readonly kind: "background";
  readonly command: Simple | Group | Subshell;
}

/** A `# comment` line. */
export interface Comment {
  readonly kind: "comment";
  readonly text: string;
}

/** A blank line between commands, for readability. */
export interface Blank {
  readonly kind: "blank";
}

/** Any command. */
export type Command =
  | Simple
  | Pipeline
  | AndOr
  | If
  | While
  | For
  | Case
  | FuncDecl
  | Group
  | Subshell
  | Background
  | Comment
  | Blank;

/** A whole script: an interpreter line, shellcheck directives and commands. */
export interface Script {
  readonly kind: "script";
  readonly shebang: string | null;
  readonly directives: readonly string[];
  readonly body: readonly Command[];
}
