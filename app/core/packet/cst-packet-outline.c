/* cst-packet-outline.c — the packet's bookmarks: one per letter, notice
 * and record document
 *
 * libqpdf's C API has no outline helper (QPDFOutlineDocumentHelper is C++
 * only), but its object handles are enough to write the PDF structure
 * directly: an /Outlines dictionary in the catalog with one flat list of
 * items, each with its /Title and a /Dest showing its first page whole.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include "cst-packet-assemble-private.h"

static qpdf_oh
new_item (qpdf_data                q,
          qpdf_oh                  outlines,
          const CstPacketBookmark *bookmark)
{
  qpdf_oh item = qpdf_make_indirect_object (q, qpdf_oh_new_dictionary (q));
  qpdf_oh title = qpdf_oh_new_unicode_string (q, bookmark->title);
  qpdf_oh dest = qpdf_oh_new_array (q);
  qpdf_oh page = qpdf_get_page_n (q, bookmark->page);
  qpdf_oh fit = qpdf_oh_new_name (q, "/Fit");

  qpdf_oh_append_item (q, dest, page);
  qpdf_oh_append_item (q, dest, fit);
  qpdf_oh_replace_key (q, item, "/Title", title);
  qpdf_oh_replace_key (q, item, "/Parent", outlines);
  qpdf_oh_replace_key (q, item, "/Dest", dest);
  qpdf_oh_release (q, fit);
  qpdf_oh_release (q, page);
  qpdf_oh_release (q, dest);
  qpdf_oh_release (q, title);
  return item;
}

/**
 * cst_packet_outline_write:
 * @bookmarks: (element-type CstPacketBookmark): in page order
 *
 * Gives the packet in @q its bookmarks, and has a reader open with them
 * shown.
 */
void
cst_packet_outline_write (qpdf_data  q,
                          GArray    *bookmarks)
{
  qpdf_oh root = qpdf_get_root (q);
  qpdf_oh outlines = qpdf_make_indirect_object (q, qpdf_oh_parse (q, "<< /Type /Outlines >>"));
  qpdf_oh previous = 0;
  qpdf_oh count;

  for (guint i = 0; i < bookmarks->len; i++)
    {
      qpdf_oh item = new_item (q, outlines, &g_array_index (bookmarks, CstPacketBookmark, i));

      if (previous == 0)
        qpdf_oh_replace_key (q, outlines, "/First", item);
      else
        {
          qpdf_oh_replace_key (q, previous, "/Next", item);
          qpdf_oh_replace_key (q, item, "/Prev", previous);
          qpdf_oh_release (q, previous);
        }
      previous = item;
    }
  if (previous != 0)
    {
      qpdf_oh_replace_key (q, outlines, "/Last", previous);
      qpdf_oh_release (q, previous);
    }
  count = qpdf_oh_new_integer (q, bookmarks->len);
  qpdf_oh_replace_key (q, outlines, "/Count", count);
  qpdf_oh_replace_key (q, root, "/Outlines", outlines);
  {
    qpdf_oh mode = qpdf_oh_new_name (q, "/UseOutlines");

    qpdf_oh_replace_key (q, root, "/PageMode", mode);
    qpdf_oh_release (q, mode);
  }
  qpdf_oh_release (q, count);
  qpdf_oh_release (q, outlines);
  qpdf_oh_release (q, root);
}
