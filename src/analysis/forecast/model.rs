//! The one-compartment heparin model (issue 16): IV boluses and zero-order infusions, first-order
//! elimination. The amount in the body is stepped from event to event, so one evaluation costs
//! O(doses + times), never samples × doses.

/// A heparin input, in hours from a reference time: a bolus, or a new total infusion rate from then on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input {
    Bolus { at_h: f64, units: f64 },
    Rate { at_h: f64, units_per_h: f64 },
}

impl Input {
    #[must_use]
    pub fn at_h(self) -> f64 {
        match self {
            Self::Bolus { at_h, .. } | Self::Rate { at_h, .. } => at_h,
        }
    }
}

/// Individual parameters: clearance (L/h) and volume (L).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pk {
    pub cl_l_per_h: f64,
    pub v_l: f64,
}

impl Pk {
    #[must_use]
    pub fn half_life_h(self) -> f64 {
        std::f64::consts::LN_2 * self.v_l / self.cl_l_per_h
    }
}

/// The concentration (units/mL) at each of `times_h` (sorted ascending) given `inputs` (sorted by time).
/// A time equal to an input's time is taken before that input (a sample drawn at the minute of a dose
/// was drawn before it).
#[must_use]
pub fn concentrations(pk: Pk, inputs: &[Input], times_h: &[f64]) -> Vec<f64> {
    let k = pk.cl_l_per_h / pk.v_l;
    let mut out = Vec::with_capacity(times_h.len());
    let (mut amount, mut rate, mut now) = (0.0_f64, 0.0_f64, f64::NEG_INFINITY);
    let advance = |amount: f64, rate: f64, dt: f64| {
        if dt <= 0.0 || !dt.is_finite() {
            return amount;
        }
        let decay = (-k * dt).exp();
        amount * decay + rate / k * (1.0 - decay)
    };
    let mut next_input = 0;
    for &t in times_h {
        while next_input < inputs.len() && inputs[next_input].at_h() < t {
            let input = inputs[next_input];
            let at = input.at_h();
            if now.is_finite() {
                amount = advance(amount, rate, at - now);
            }
            now = at;
            match input {
                Input::Bolus { units, .. } => amount += units,
                Input::Rate { units_per_h, .. } => rate = units_per_h,
            }
            next_input += 1;
        }
        let a = if now.is_finite() {
            advance(amount, rate, t - now)
        } else {
            0.0
        };
        // units per L ÷ 1000 = units/mL.
        out.push((a / pk.v_l / 1000.0).max(0.0));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_infusion_reaches_rate_over_clearance() {
        let pk = Pk {
            cl_l_per_h: 2.4,
            v_l: 5.6,
        };
        let inputs = [Input::Rate {
            at_h: 0.0,
            units_per_h: 1440.0,
        }];
        let c = concentrations(pk, &inputs, &[0.0, 1.0, 48.0]);
        assert!(c[0].abs() < 1e-12, "nothing before the start");
        assert!(
            (c[2] - 0.6).abs() < 1e-6,
            "1,440 units/h ÷ 2.4 L/h = 600 units/L = 0.6 units/mL: {}",
            c[2]
        );
        // A bolus at the sample's minute comes after the sample.
        let with_bolus = [Input::Bolus {
            at_h: 1.0,
            units: 5000.0,
        }];
        let b = concentrations(pk, &with_bolus, &[1.0, 1.0 + 1e-9]);
        assert!(b[0] == 0.0 && b[1] > 0.8);
    }
}
