"""Reading .cedar files so that every policy can be traced back to its file and line.

Cedar's parser says *what* is wrong ("unexpected token `}`") but not *where*, and numbers
policies policy0, policy1, ... in the order it meets them. Splitting each file into its
policies (at the `;` that ends each one, outside strings and comments) gives each policy
its starting line, so errors and citations can name `release.cedar:42`.
"""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Chunk:
    path: Path
    line: int  # 1-based line where the policy's first token is
    text: str


def split_policies(text: str, path: Path) -> list[Chunk]:
    chunks: list[Chunk] = []
    start = None  # index of the first token of the policy being read
    i, n = 0, len(text)
    begin = 0
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            if start is None:
                start = i
            continue
        if not c.isspace() and start is None:
            start = i
        if c == ";":
            chunks.append(Chunk(path, text.count("\n", 0, start) + 1, text[begin : i + 1]))
            begin, start = i + 1, None
        i += 1
    if start is not None:
        # Text after the last `;`: a policy missing its end, which the parser will report.
        chunks.append(Chunk(path, text.count("\n", 0, start) + 1, text[begin:]))
    return chunks
