/* cst-request-fee.c — the fee engine's view of a release-of-information request
 *
 * One place maps the request's requester kind, format, delivery, pages and
 * received date onto the engine's input, so the window's live quote, the
 * invoice and the command line all quote the same request the same way.
 */
#define G_LOG_DOMAIN "cst-request-fee"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-error.h"
#include "custodian/cst-request-fee.h"

static CstFeeRequester
fee_requester (CstRequesterKind kind)
{
  switch (kind)
    {
    case CST_REQUESTER_PATIENT: return CST_FEE_REQUESTER_PATIENT;
    case CST_REQUESTER_PERSONAL_REPRESENTATIVE: return CST_FEE_REQUESTER_PERSONAL_REPRESENTATIVE;
    case CST_REQUESTER_ATTORNEY: return CST_FEE_REQUESTER_ATTORNEY;
    case CST_REQUESTER_INSURER: return CST_FEE_REQUESTER_INSURER;
    case CST_REQUESTER_PROVIDER: return CST_FEE_REQUESTER_PROVIDER;
    case CST_REQUESTER_GOVERNMENT_AGENCY: return CST_FEE_REQUESTER_GOVERNMENT;
    case CST_REQUESTER_OTHER:
    default: return CST_FEE_REQUESTER_OTHER;
    }
}

static CstFeeFormat
fee_format (CstRecordFormat format)
{
  switch (format)
    {
    case CST_FORMAT_PAPER: return CST_FEE_FORMAT_PAPER;
    case CST_FORMAT_PORTABLE_MEDIA: return CST_FEE_FORMAT_MEDIA;
    case CST_FORMAT_ELECTRONIC:
    default: return CST_FEE_FORMAT_ELECTRONIC;
    }
}

static CstFeeDelivery
fee_delivery (CstDeliveryMethod delivery)
{
  switch (delivery)
    {
    case CST_DELIVERY_MAIL: return CST_FEE_DELIVERY_MAIL;
    case CST_DELIVERY_PICKUP: return CST_FEE_DELIVERY_PICKUP;
    case CST_DELIVERY_SECURE_EMAIL: return CST_FEE_DELIVERY_EMAIL;
    case CST_DELIVERY_FAX: return CST_FEE_DELIVERY_FAX;
    case CST_DELIVERY_PORTAL:
    default: return CST_FEE_DELIVERY_PORTAL;
    }
}

/**
 * cst_request_fee_fill:
 * @method: the HIPAA method for an individual's own request, or
 *   CST_FEE_METHOD_DEFAULT for the hospital's configured one
 *
 * Returns: FALSE, with a message for the clerk, while the request lacks
 *   what a quote needs (a page count, a received date, a state)
 */
gboolean
cst_request_fee_fill (CstRequest     *request,
                      CstFeeMethod    method,
                      CstFeeRequest  *fee_request,
                      GError        **error)
{
  int kind = 0, format = 0, delivery = 0, pages = -1;
  const GDate *received = cst_request_get_received_date (request);

  g_object_get (request, "requester-kind", &kind, "format", &format, "delivery", &delivery,
                "page-count", &pages, NULL);
  cst_fee_request_init (fee_request);
  if (!cst_fee_request_set_jurisdiction (fee_request, cst_request_get_jurisdiction (request), error))
    return FALSE;
  if (received == NULL)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("A quote needs the date the request was received."));
      return FALSE;
    }
  if (pages < 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("Count the pages to see the fee."));
      return FALSE;
    }
  fee_request->requester = fee_requester (kind);
  fee_request->format = fee_format (format);
  fee_request->maintained_electronically = format != CST_FORMAT_PAPER;
  fee_request->delivery = fee_delivery (delivery);
  fee_request->pages = pages;
  fee_request->received = *received;
  fee_request->method = method;
  return TRUE;
}
