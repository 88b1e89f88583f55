/* cst-request-fee.c — the fee engine's view of a release-of-information request
 *
 * One place maps the request's requester kind, purpose, format, delivery,
 * pages and received date onto the engine's input, so the window's live quote, the
 * invoice and the command line all quote the same request the same way.
 *
 * A personal representative stands in the patient's shoes (45 CFR
 * 164.502(g)): their request for the patient's records is the patient's
 * own access request, quoted under the same HIPAA rules (no search,
 * retrieval or handling fee) and the same state schedules and exemptions.
 */
#define G_LOG_DOMAIN "cst-request-fee"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-error.h"
#include "custodian/cst-fee-facility.h"
#include "custodian/cst-input.h"
#include "custodian/cst-representative.h"
#include "custodian/cst-request-fee.h"

static CstFeeRequester
fee_requester (CstRequesterKind kind)
{
  switch (kind)
    {
    case CST_REQUESTER_PATIENT:
    case CST_REQUESTER_PERSONAL_REPRESENTATIVE: return CST_FEE_REQUESTER_PATIENT;
    case CST_REQUESTER_ATTORNEY: return CST_FEE_REQUESTER_ATTORNEY;
    case CST_REQUESTER_INSURER: return CST_FEE_REQUESTER_INSURER;
    case CST_REQUESTER_PROVIDER: return CST_FEE_REQUESTER_PROVIDER;
    case CST_REQUESTER_GOVERNMENT_AGENCY: return CST_FEE_REQUESTER_GOVERNMENT;
    case CST_REQUESTER_PATIENT_DIRECTIVE: return CST_FEE_REQUESTER_PATIENT_DIRECTIVE;
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
  g_autofree char *purpose = NULL;
  const GDate *received = cst_request_get_received_date (request);

  g_object_get (request, "requester-kind", &kind, "format", &format, "delivery", &delivery,
                "page-count", &pages, "purpose-code", &purpose, NULL);
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
  /* A request logged before purposes were coded is "other": no purpose
   * rule is assumed for it. */
  if (purpose == NULL || !cst_fee_purpose_from_nick (purpose, &fee_request->purpose))
    fee_request->purpose = CST_FEE_PURPOSE_OTHER;
  fee_request->format = fee_format (format);
  fee_request->maintained_electronically = format != CST_FORMAT_PAPER;
  fee_request->delivery = fee_delivery (delivery);
  fee_request->pages = pages;
  fee_request->received = *received;
  fee_request->method = method;
  return TRUE;
}

/* A stored request is quoted with its facility's own hospital schedule
 * (0091), never another facility's. */
static gboolean
fill_facility_schedule (PGconn         *conn,
                        CstRequest     *request,
                        CstFeeRequest  *fee_request,
                        GError        **error)
{
  g_autofree char *key = NULL;

  if (cst_request_get_id (request) == 0)
    return TRUE;
  return cst_fee_facility_schedule_for_request (conn, cst_request_get_id (request), &key, error) &&
         cst_fee_request_set_facility_schedule (fee_request, key, error);
}

/**
 * cst_request_fee_fill_checked:
 * @conn: the database holding @request
 *
 * Like cst_request_fee_fill(), for a stored request that is to be
 * invoiced: a personal representative's request is quoted as the
 * patient's own only while the representative's authority is on file
 * (the same check that lets the request be verified).
 *
 * Returns: FALSE, with a message for the clerk, when the authority is not
 *   on file or the request lacks what a quote needs
 */
gboolean
cst_request_fee_fill_checked (PGconn         *conn,
                              CstRequest     *request,
                              CstFeeMethod    method,
                              CstFeeRequest  *fee_request,
                              GError        **error)
{
  g_autoptr(GError) local = NULL;
  GDate today;

  if (cst_request_get_requester_kind (request) == CST_REQUESTER_PERSONAL_REPRESENTATIVE)
    {
      cst_input_today (&today);
      if (cst_representative_on_file (conn, request, &today, &local) == 0)
        {
          if (local != NULL)
            g_propagate_error (error, g_steal_pointer (&local));
          else
            g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                         _("The authority of %s as the patient's personal representative is not on file; "
                           "record it with the document that proves it, then the request is quoted as "
                           "the patient's own."),
                         cst_request_get_requester_name (request));
          return FALSE;
        }
    }
  return cst_request_fee_fill (request, method, fee_request, error) &&
         fill_facility_schedule (conn, request, fee_request, error);
}
