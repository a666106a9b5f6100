//! The secretariat's follow-up report of commitments (decree art. 2.2.11.4.8,
//! num. 5), per session or per quarter, as Markdown or CSV.

use std::fmt::Write as _;

use super::model::{Commitment, CommitmentStatus};

/// Formato de un informe.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Texto con formato Markdown, para publicar o imprimir.
    Markdown,
    /// Valores separados por comas, para hojas de cálculo.
    Csv,
}

pub fn status_label(status: CommitmentStatus) -> &'static str {
    match status {
        CommitmentStatus::Pending => "Pendiente",
        CommitmentStatus::InProgress => "En curso",
        CommitmentStatus::Done => "Cumplido",
        CommitmentStatus::Overdue => "Vencido",
    }
}

/// Renders `commitments` under `title`, with a tally by state.
pub fn render(title: &str, commitments: &[Commitment], format: ReportFormat) -> String {
    match format {
        ReportFormat::Markdown => markdown(title, commitments),
        ReportFormat::Csv => csv(commitments),
    }
}

fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(title: &str, commitments: &[Commitment]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {title}\n");
    let count = |status| commitments.iter().filter(|c| c.status == status).count();
    let _ = writeln!(
        out,
        "{} compromisos: {} cumplidos, {} en curso, {} pendientes, {} vencidos.\n",
        commitments.len(),
        count(CommitmentStatus::Done),
        count(CommitmentStatus::InProgress),
        count(CommitmentStatus::Pending),
        count(CommitmentStatus::Overdue)
    );
    if commitments.is_empty() {
        out.push_str("No hay compromisos en este periodo.\n");
        return out;
    }
    out.push_str("| Compromiso | Responsable | Fecha límite | Estado |\n|---|---|---|---|\n");
    for commitment in commitments {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            markdown_cell(&commitment.description),
            commitment.responsible_code,
            commitment.due_date,
            status_label(commitment.status)
        );
    }
    out
}

fn csv(commitments: &[Commitment]) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(["compromiso", "responsable", "fecha_limite", "estado", "sesion"]);
    for commitment in commitments {
        let _ = writer.write_record([
            commitment.description.as_str(),
            commitment.responsible_code.as_str(),
            &commitment.due_date.to_string(),
            status_label(commitment.status),
            &commitment.session_id.to_string(),
        ]);
    }
    writer.into_inner().ok().and_then(|bytes| String::from_utf8(bytes).ok()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Utc};
    use uuid::Uuid;

    fn commitment(description: &str, status: CommitmentStatus) -> Commitment {
        Commitment {
            id: Uuid::nil(),
            session_id: Uuid::nil(),
            work_plan_item_id: None,
            description: description.into(),
            responsible_code: "DNP".into(),
            due_date: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap_or_default(),
            recorded_status: status,
            status,
            updated_at: Utc::now(),
            completed_at: None,
        }
    }

    #[test]
    fn the_report_tallies_and_lists_every_commitment() {
        let list = [
            commitment("Publicar | la oferta", CommitmentStatus::Done),
            commitment("Entregar, el informe", CommitmentStatus::Overdue),
        ];
        let text = render("Compromisos de la sesión", &list, ReportFormat::Markdown);
        assert!(text.starts_with("# Compromisos de la sesión"));
        assert!(text.contains("2 compromisos: 1 cumplidos, 0 en curso, 0 pendientes, 1 vencidos."));
        assert!(text.contains("Publicar \\| la oferta"), "pipes are escaped: {text}");
        let table = render("x", &list, ReportFormat::Csv);
        assert!(table.starts_with("compromiso,responsable,fecha_limite,estado,sesion\n"));
        assert!(table.contains("\"Entregar, el informe\",DNP,2026-03-31,Vencido,"), "{table}");
        assert!(render("Vacío", &[], ReportFormat::Markdown).contains("No hay compromisos"));
    }
}
