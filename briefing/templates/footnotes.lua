-- Turns every pandoc Note into an inline element at its call, for WeasyPrint's
-- `float: footnote` (briefing.css): pandoc's HTML would put notes at the end.
--
--   <span id="fnref-N" class="footnote-ref"></span><span id="fn-N" class="footnote">...</span>
--
-- The empty `fnref-N` span stays in the text where the call is; `fn-N` floats to the page
-- bottom. WeasyPrint turns every id into a PDF named destination, so the build's read-back
-- finds the page of each call and of each note without guessing from text
-- (issue 3: "each on the page of its call").
--
-- Notes are numbered in document order, as WeasyPrint's footnote counter numbers them.

local count = 0

function Note(note)
  count = count + 1
  local inlines = pandoc.Inlines {}
  for i, block in ipairs(note.content) do
    -- A note's paragraphs become one run of text: WeasyPrint footnotes are inline boxes.
    if i > 1 then
      inlines:insert(pandoc.Space())
    end
    if block.t == 'Para' or block.t == 'Plain' then
      inlines:extend(block.content)
    else
      inlines:extend(pandoc.utils.blocks_to_inlines({ block }))
    end
  end
  -- pandoc writes a newline after each <br />, and WeasyPrint turns a newline inside a
  -- footnote into one more break; this filter's own <br> has none. (Never claim text:
  -- only the LineBreak nodes the document builder put there.)
  inlines = inlines:walk {
    LineBreak = function() return pandoc.RawInline('html', '<br>') end,
  }
  return pandoc.Inlines {
    pandoc.Span({}, { id = 'fnref-' .. count, class = 'footnote-ref' }),
    pandoc.Span(inlines, { id = 'fn-' .. count, class = 'footnote' }),
  }
end
