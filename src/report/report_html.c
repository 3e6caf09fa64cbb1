/* HTML plumbing of the report: escaping, anchors, the page's CSS and the few
 * lines of JavaScript for search/filter.  Everything is inline: the page
 * must open from a file with no network and no other file. */
#include <ctype.h>

#include "report.h"
#include "../format/text.h"

void osm_report_esc(FILE *f, const char *s)
{
    char esc[5];
    for (; *s; s++) {
        size_t k = osm_text_step(s, esc);
        if (esc[0] || k > 1) {      /* not UTF-8: \xNN (text.h); or a whole character */
            if (esc[0])
                fputs(esc, f);
            else
                fwrite(s, 1, k, f);
            s += esc[0] ? 0 : k - 1;
            continue;
        }
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

void osm_report_anchor(FILE *f, const char *id)
{
    for (; *id; id++) {
        unsigned char c = (unsigned char)*id;
        if (isalnum(c) || c == '-' || c == '.')
            fputc(c, f);
        else
            fprintf(f, "_%02x", c);
    }
}

const char *osm_report_comp_label(uint32_t comp)
{
    switch (comp) {
    case OSM_COMP_SHARED_RESOURCES: return "shares a resource";
    case OSM_COMP_SHARED_SPACES: return "shares a resource space";
    case OSM_COMP_SERVERS: return "serves its resources";
    case OSM_COMP_INDIRECT_SERVERS: return "serves its servers";
    case OSM_COMP_CAN_CONTROL: return "can control it";
    case OSM_COMP_CONTROL_BY: return "is controlled by it";
    default: return "?";
    }
}

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
    "margin:0;color:#1d2330;background:#f6f7f9}\n"
    "header{background:#22304a;color:#fff;padding:14px 24px}\n"
    "header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.8}\n"
    "main{padding:8px 24px 40px;max-width:1400px}\n"
    "h2{margin:28px 0 8px;font-size:18px;border-bottom:2px solid #d0d6e0}\n"
    "h3{margin:18px 0 6px;font-size:15px}\n"
    "section.pd{background:#fff;border:1px solid #d0d6e0;border-radius:6px;padding:4px 16px 14px;"
    "margin:14px 0}\n"
    "table{border-collapse:collapse;margin:6px 0}\n"
    "th,td{border:1px solid #d8dde6;padding:3px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#eef1f6;font-weight:600}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "code,.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}\n"
    ".chain{color:#555;font-size:12px}\n"
    ".badge{display:inline-block;border-radius:3px;padding:0 5px;margin:1px 2px 1px 0;font-size:12px;"
    "background:#e8ecf3;white-space:nowrap}\n"
    ".b1{background:#fde2cf}.b2{background:#fff1bf}.b4{background:#d7ecd9}.b8{background:#d8e8f6}"
    ".b16{background:#f4d3dd}.b32{background:#e6dcf3}\n"
    ".cols{display:flex;gap:20px;flex-wrap:wrap}.cols>div{flex:1 1 420px;min-width:0}\n"
    ".pic{overflow:auto;border:1px solid #e1e5ec;background:#fff;margin:8px 0;max-height:720px}\n"
    ".pic svg{max-width:100%;height:auto}\n"
    ".legend span{display:inline-block;margin-right:14px}\n"
    ".sw{display:inline-block;width:12px;height:12px;border:1px solid #888;vertical-align:-2px;"
    "margin-right:4px}\n"
    "#filter{font-size:15px;padding:5px 8px;width:340px;border:1px solid #aab;border-radius:4px}\n"
    ".bar{position:sticky;top:0;background:#f6f7f9;padding:8px 0;z-index:2;"
    "border-bottom:1px solid #d0d6e0}\n"
    "nav a{margin-right:10px}\n"
    ".note{color:#666;font-size:12.5px}\n"
    "td.m{text-align:center;min-width:44px;font-variant-numeric:tabular-nums}\n"
    ".hidden{display:none}\n"
    ".scroll{max-height:420px;overflow:auto;display:inline-block;max-width:100%}\n"
    ".wide{overflow-x:auto;max-width:100%}\n";

/* Search/filter: hide PD sections and table rows whose text lacks the
 * query; the RSI type selector shows one matrix at a time. */
static const char js[] =
    "function osmFilter(q){q=q.trim().toLowerCase();"
    "document.querySelectorAll('[data-f]').forEach(function(e){"
    "e.classList.toggle('hidden',q!==''&&e.textContent.toLowerCase().indexOf(q)<0);});}\n"
    "function osmRsi(t){document.querySelectorAll('table.rsi').forEach(function(e){"
    "e.classList.toggle('hidden',e.dataset.type!==t);});}\n";

void osm_report_page_head(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>OSmosis report: ", f);
    osm_report_esc(f, title);
    fprintf(f, "</title>\n<style>\n%s</style>\n<script>\n%s</script>\n</head>\n<body>\n", css, js);
}

void osm_report_page_tail(FILE *f)
{
    fputs("</main>\n</body>\n</html>\n", f);
}
