// Per-language tables for the code lexer: keywords, types, literals, comment and string syntax.
// Languages of one family share rules and differ only in their word lists.

import type { CodeSpec, StringRule } from './highlight_code.ts';

const words = (list: string): Set<string> => new Set(list.split(/\s+/).filter(Boolean));

const DQ: StringRule = { open: '"', close: '"', escape: true, multiline: false };
const SQ: StringRule = { open: "'", close: "'", escape: true, multiline: false };
const TRIPLE_DQ: StringRule = { open: '"""', close: '"""', escape: true, multiline: true };
const TRIPLE_SQ: StringRule = { open: "'''", close: "'''", escape: true, multiline: true };
const TEMPLATE: StringRule = { open: '`', close: '`', escape: true, multiline: true, template: true };
const RAW_BACKTICK: StringRule = { open: '`', close: '`', escape: false, multiline: true };
const C_COMMENTS = { lineComments: ['//'], blockComments: [['/*', '*/']] as [string, string][] };

const JS_KEYWORDS =
  'break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof let new of return super switch this throw try typeof var void while with yield async await static get set from as';
const TS_KEYWORDS = JS_KEYWORDS + ' type interface enum implements private protected public readonly declare namespace abstract keyof infer is satisfies override module';
const JS_LITERALS = words('true false null undefined NaN Infinity');

const js: CodeSpec = {
  ...C_COMMENTS,
  strings: [DQ, SQ, TEMPLATE],
  keywords: words(JS_KEYWORDS),
  types: words('Array Object String Number Boolean Promise Map Set Date RegExp Error Symbol BigInt JSON Math'),
  literals: JS_LITERALS,
  identStartExtra: '$',
  capitalizedTypes: true,
  regexLiterals: true,
  decorators: true,
};

const ts: CodeSpec = {
  ...js,
  keywords: words(TS_KEYWORDS),
  types: words('string number boolean any unknown never object symbol bigint void Array Promise Record Partial Readonly Map Set'),
};

const json: CodeSpec = {
  ...C_COMMENTS,
  strings: [DQ, SQ],
  keywords: new Set(),
  types: new Set(),
  literals: words('true false null'),
  objectKeys: true,
};

const python: CodeSpec = {
  lineComments: ['#'],
  blockComments: [],
  strings: [TRIPLE_DQ, TRIPLE_SQ, DQ, SQ],
  keywords: words(
    'and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case',
  ),
  types: words('int float str bool list dict set tuple bytes bytearray object complex frozenset type'),
  literals: words('True False None self cls'),
  capitalizedTypes: true,
  decorators: true,
  stringPrefixes: 'rRbBfFuU',
};

const C_KEYWORDS =
  'auto break case const continue default do else enum extern for goto if inline register restrict return sizeof static struct switch typedef union volatile while';
const C_TYPES = 'void char short int long float double signed unsigned bool size_t ssize_t int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t FILE';

const cFamily = (keywords: string, types: string, literals: string, extra: Partial<CodeSpec> = {}): CodeSpec => ({
  ...C_COMMENTS,
  strings: [DQ, SQ],
  keywords: words(keywords),
  types: words(types),
  literals: words(literals),
  capitalizedTypes: true,
  ...extra,
});

const c = cFamily(C_KEYWORDS, C_TYPES, 'NULL true false', { preprocessor: true });
const cpp = cFamily(
  C_KEYWORDS +
    ' alignas alignof catch class constexpr consteval constinit decltype delete explicit export friend mutable namespace new noexcept operator private protected public requires static_assert template this thread_local throw try typename using virtual co_await co_return co_yield concept override final',
  C_TYPES + ' wchar_t char8_t char16_t char32_t auto string vector map unordered_map set unique_ptr shared_ptr',
  'nullptr NULL true false',
  { preprocessor: true },
);
const rust = cFamily(
  'as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait type unsafe use where while macro_rules',
  'i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str String Vec Option Result Box',
  'true false None Some Ok Err',
  { strings: [DQ], rustLifetimes: true, macroBang: true },
);
const go = cFamily(
  'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var',
  'bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr any',
  'true false nil iota',
  { strings: [DQ, SQ, RAW_BACKTICK], capitalizedTypes: false },
);
const java = cFamily(
  'abstract assert break case catch class continue default do else enum extends final finally for if implements import instanceof interface native new package private protected public return static strictfp super switch synchronized this throw throws transient try volatile while var record yield sealed permits',
  'boolean byte char double float int long short void String Object Integer Long Double List Map Set',
  'true false null',
  { strings: [TRIPLE_DQ, DQ, SQ], decorators: true },
);
const csharp = cFamily(
  'abstract as base break case catch checked class const continue default delegate do else enum event explicit extern finally fixed for foreach goto if implicit in interface internal is lock namespace new operator out override params private protected public readonly ref return sealed sizeof stackalloc static struct switch this throw try typeof unchecked unsafe using virtual volatile while async await var get set record init yield where',
  'bool byte char decimal double float int long object sbyte short string uint ulong ushort void dynamic',
  'true false null',
);
const kotlin = cFamily(
  'as break class continue do else for fun if in interface is object package return super this throw try typealias typeof val var when while by constructor companion data enum import init inline internal lateinit open operator out override private protected public sealed suspend',
  'Int Long Short Byte Double Float Boolean Char String Unit Any Nothing List Map Set Array',
  'true false null',
  { strings: [TRIPLE_DQ, DQ, SQ], decorators: true },
);
const swift = cFamily(
  'associatedtype class deinit enum extension fileprivate func import init inout internal let open operator private protocol public rethrows static struct subscript typealias var break case continue default defer do else fallthrough for guard if in repeat return switch where while as catch is throw throws try async await self Self super some any',
  'Int Double Float Bool String Character Array Dictionary Set Optional Void',
  'true false nil',
  { strings: [TRIPLE_DQ, DQ], decorators: true },
);
const php = cFamily(
  'abstract and array as break callable case catch class clone const continue declare default do echo else elseif empty enddeclare endfor endforeach endif endswitch endwhile extends final finally fn for foreach function global goto if implements include include_once instanceof insteadof interface isset list match namespace new or print private protected public readonly require require_once return static switch throw trait try unset use var while xor yield',
  'int float string bool array object mixed void never iterable',
  'true false null TRUE FALSE NULL',
  { lineComments: ['//', '#'], dollarVariables: 'php' },
);

const shell: CodeSpec = {
  lineComments: ['#'],
  blockComments: [],
  strings: [
    { open: '"', close: '"', escape: true, multiline: true },
    { open: "'", close: "'", escape: false, multiline: true },
    { open: '`', close: '`', escape: true, multiline: true },
  ],
  keywords: words('if then else elif fi for while until do done case esac function in select return exit local export readonly declare unset shift break continue time'),
  types: new Set(),
  literals: words('true false'),
  identPartExtra: '-.',
  commentNeedsSpace: true,
  dollarVariables: 'shell',
  shellWords: true,
};

const sql: CodeSpec = {
  lineComments: ['--', '#'],
  blockComments: [['/*', '*/']],
  strings: [
    { open: "'", close: "'", escape: true, multiline: true },
    { open: '"', close: '"', escape: false, multiline: false },
    { open: '`', close: '`', escape: false, multiline: false },
  ],
  keywords: words(
    'select from where and or not insert into values update set delete create table drop alter add column index view primary key foreign references join inner left right outer full cross on group by order having limit offset as distinct union all exists in is like between case when then else end with returning default unique check constraint if begin commit rollback transaction grant revoke asc desc',
  ),
  types: words('int integer bigint smallint tinyint serial bigserial decimal numeric real float double precision char varchar text boolean bool date time timestamp timestamptz interval uuid json jsonb blob bytea'),
  literals: words('null true false'),
  caseInsensitive: true,
};

const ruby = cFamily(
  'alias and begin break case class def defined? do else elsif end ensure for if in module next not or redo rescue retry return self super then undef unless until when while yield require attr_accessor attr_reader',
  '',
  'true false nil',
  { lineComments: ['#'], blockComments: [['=begin', '=end']] },
);
const lua = cFamily(
  'and break do else elseif end for function goto if in local not or repeat return then until while',
  '',
  'true false nil',
  { lineComments: ['--'], blockComments: [['--[[', ']]']], capitalizedTypes: false },
);

// Unknown languages: strings, numbers and '#' or '//' comments, careful with prose.
const generic: CodeSpec = {
  lineComments: ['//', '#'],
  blockComments: [['/*', '*/']],
  strings: [DQ, SQ],
  keywords: new Set(),
  types: new Set(),
  literals: words('true false null'),
  commentNeedsSpace: true,
  apostrophesInWords: true,
};

export const CODE_SPECS = { js, ts, json, python, c, cpp, rust, go, java, csharp, kotlin, swift, php, shell, sql, ruby, lua, generic };
export type CodeSpecName = keyof typeof CODE_SPECS;
