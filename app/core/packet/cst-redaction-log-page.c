/* cst-redaction-log-page.c — the redaction log page at the end of a packet
 * (issue 19, the request's choice, 0076)
 *
 * One US Letter page listing, for each packet page with redactions, how
 * many boxes it carries and their reason, never what they hide.  Like the
 * stamp and the reason codes printed in the boxes, it is not translated:
 * it is read on paper by whoever receives the records, and the codes are
 * what the boxes say.  A long list goes on over more pages.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <cairo-pdf.h>

#include "cst-redaction-private.h"

#define LOG_MARGIN 54.0
#define LOG_LINE 16.0

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static double
heading (cairo_t *cr)
{
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 14);
  cairo_move_to (cr, LOG_MARGIN, LOG_MARGIN + 14);
  cairo_show_text (cr, "Redaction log");
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 10);
  cairo_move_to (cr, LOG_MARGIN, LOG_MARGIN + 34);
  cairo_show_text (cr, "Each page of this packet with redactions: how many boxes, and why. "
                       "What they cover is not shown.");
  return LOG_MARGIN + 64;
}

/**
 * cst_redaction_log_page_pdf:
 * @entries: #CstRedactionLogEntry, by packet page
 *
 * Returns: (transfer full): the log as a PDF of one page or more
 */
GBytes *
cst_redaction_log_page_pdf (GArray *entries)
{
  GByteArray *bytes = g_byte_array_new ();
  cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream (append_bytes, bytes, 612, 792);
  cairo_t *cr = cairo_create (pdf);
  double y = heading (cr);

  for (guint i = 0; i < entries->len; i++)
    {
      const CstRedactionLogEntry *e = &g_array_index (entries, CstRedactionLogEntry, i);
      g_autofree char *line = g_strdup_printf ("Page %u: %u %s, %s", e->packet_page, e->boxes,
                                               e->boxes == 1 ? "box" : "boxes",
                                               cst_redaction_reason_code (e->reason));

      if (y > 792 - LOG_MARGIN)
        {
          cairo_show_page (cr);
          y = heading (cr);
        }
      cairo_move_to (cr, LOG_MARGIN, y);
      cairo_show_text (cr, line);
      y += LOG_LINE;
    }
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  cairo_surface_destroy (pdf);
  return g_byte_array_free_to_bytes (bytes);
}
